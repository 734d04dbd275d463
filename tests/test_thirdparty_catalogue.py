"""The third-party signal catalogue (signallint/thirdparty.py), proved against whichever of
its packages are installed (``nox -s thirdparty`` installs all six; elsewhere the package
tests skip).

For each installed package, only the records whose ``verified`` range covers the installed
version are checked, and the installed version must be covered:

* imports: each signal imports from its module and re-exports as a ``Signal`` (modules that
  import their app's models need that app in INSTALLED_APPS, which the shared test settings
  do not have: those are proved by the source scan alone);
* completeness: every module-level ``X = Signal()`` in the package's source is catalogued,
  and records for other versions (moved or not yet added signals) are absent;
* keywords from source: the keyword names at every ``send``/``send_robust``/``asend``/
  ``asend_robust`` call site of each signal match the record, ``always`` included. A call
  that forwards ``**kwargs`` is followed to the callers that fill them (see
  ``PackageSource._forwarded``).
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import importlib.util
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pytest

from signallint.catalogue import DISPATCHER_KWARGS, SIGNALS, SignalSpec, Version
from signallint.thirdparty import (
    DJANGO_SIGNALS_REEXPORTED,
    THIRD_PARTY_PACKAGES,
    THIRD_PARTY_SIGNALS,
    kwarg_added_in,
    parse_package_version,
    third_party_by_qualified_name,
    verified_for,
    verified_ranges,
)
from tests.source_scan import Function, SourceModule, SourceTree

SEND_METHODS = frozenset({"send", "send_robust", "asend", "asend_robust"})
SKIPPED_DIRS = frozenset({"tests", "test", "migrations", "templates", "static", "locale"})

# Modules that import their app's models at import time, so they raise unless the app is
# in INSTALLED_APPS (tests/django_env.py installs only Django's own apps).
NEEDS_INSTALLED_APP = frozenset(
    {
        "allauth.mfa.signals",
        "allauth.usersessions.signals",
        "axes.signals",
        "wagtail.documents.models",
    }
)

PACKAGE_NAMES = sorted(THIRD_PARTY_PACKAGES)


def _ids(specs: list[SignalSpec]) -> list[str]:
    return [f"{spec.package}:{spec.qualified_name}" for spec in specs]


# ---------------------------------------------------------------------------
# The data itself (pure: runs everywhere)
# ---------------------------------------------------------------------------


def test_records_are_well_formed() -> None:
    seen: set[str] = set()
    for spec in THIRD_PARTY_SIGNALS:
        where = spec.qualified_name
        assert spec.package in THIRD_PARTY_PACKAGES, where
        assert spec.module.split(".")[0] == THIRD_PARTY_PACKAGES[spec.package], where
        assert spec.since is None and spec.until is None, f"{where}: Django versions only"
        assert spec.sender and spec.kwargs_known, where
        assert verified_ranges(spec.verified), where
        assert not spec.model_signal, f"{where}: none of these packages uses ModelSignal"
        names = [kw.name for kw in spec.kwargs]
        assert len(names) == len(set(names)), where
        assert not DISPATCHER_KWARGS & set(names), where
        for kw in spec.kwargs:
            assert kw.since is None and kw.until is None, (where, kw.name)
            if "added in" in kw.note:
                assert kwarg_added_in(kw) is not None, (where, kw.note)
        for module in (spec.module, *spec.reexported_from):
            key = f"{module}.{spec.name}"
            assert key not in seen, f"duplicate {key}"
            seen.add(key)


def test_records_are_sorted() -> None:
    keys = [(spec.package, spec.module, spec.name) for spec in THIRD_PARTY_SIGNALS]
    assert keys == sorted(keys)


def test_no_clash_with_django_records() -> None:
    django_names = {
        f"{module}.{spec.name}"
        for spec in SIGNALS
        for module in (spec.module, *spec.reexported_from)
    }
    assert not django_names & set(third_party_by_qualified_name())
    assert set(DJANGO_SIGNALS_REEXPORTED.values()) <= django_names


def test_lookup_helpers() -> None:
    table = third_party_by_qualified_name()
    assert third_party_by_qualified_name() is table  # cached
    assert len(table) == sum(1 + len(s.reexported_from) for s in THIRD_PARTY_SIGNALS)
    assert table["axes.signals.user_locked_out"].package == "django-axes"
    assert (
        table["wagtail.signals.init_new_page"] is not table["wagtail.admin.signals.init_new_page"]
    )
    assert verified_ranges("2.12, 3.0-3.13") == (((2, 12), (2, 12)), ((3, 0), (3, 13)))
    assert parse_package_version("65.21.1") == (65, 21)
    assert parse_package_version("0.63") == (0, 63)
    with pytest.raises(ValueError):
        verified_ranges("3.13-3.0")
    with pytest.raises(ValueError):
        parse_package_version("latest")
    spec = table["allauth.mfa.signals.authenticator_added"]
    assert verified_for(spec, (0, 61)) and verified_for(spec, (65, 21))
    assert not verified_for(spec, (0, 60))
    assert [kwarg_added_in(kw) for kw in spec.kwargs] == [(0, 62), None, None]


def test_nox_pins_the_newest_verified_versions() -> None:
    """``nox -s thirdparty`` installs exactly the newest release whose source was read."""
    noxfile = (Path(__file__).resolve().parent.parent / "noxfile.py").read_text("utf-8")
    pins = dict(re.findall(r'"([a-z-]+)==([0-9.]+)"', noxfile))
    assert sorted(pins) == PACKAGE_NAMES
    for package, pinned in pins.items():
        newest = max(
            last
            for spec in RECORDS_BY_PACKAGE[package]
            for _, last in verified_ranges(spec.verified)
        )
        assert parse_package_version(pinned) == newest, package


# ---------------------------------------------------------------------------
# A package's source, read with ast
# ---------------------------------------------------------------------------


def _str_keys(node: ast.Dict) -> frozenset[str]:
    keys = set()
    for key in node.keys:
        assert isinstance(key, ast.Constant) and isinstance(key.value, str), ast.dump(node)
        keys.add(key.value)
    return frozenset(keys)


@dataclass
class SendSite:
    """One way a signal gets sent: a call site, or a call site reached through a caller
    that fills the ``**kwargs`` it forwards. ``maybe``: keywords passed on some paths only."""

    where: str
    keywords: frozenset[str]
    positional_sender: bool
    maybe: frozenset[str] = field(default_factory=frozenset)


class PackageSource(SourceTree):
    """The ``.py`` files of one installed top-level package (test directories skipped)."""

    def __init__(self, root: Path) -> None:
        super().__init__(
            root,
            lambda parts: bool(SKIPPED_DIRS & set(parts[:-1])) or parts[-1].startswith("test_"),
        )

    @cached_property
    def send_sites(self) -> dict[str, list[SendSite]]:
        """Canonical signal name -> every way it is sent."""
        sites: dict[str, list[SendSite]] = {}
        for module in self.containing(*SEND_METHODS):
            for node in ast.walk(module.tree):
                if not (isinstance(node, ast.Attribute) and node.attr in SEND_METHODS):
                    continue
                target = module.qualify(node.value)
                if target is None:
                    continue
                signal = self.canonical(target)
                if signal not in self.signal_definitions:
                    continue
                parent = module.parents.get(node)
                assert isinstance(parent, ast.Call) and parent.func is node, (
                    f"{module.where(node)}: {node.attr} referenced but not called"
                )
                sites.setdefault(signal, []).extend(self._expand(module, parent))
        return sites

    def _expand(self, module: SourceModule, call: ast.Call) -> list[SendSite]:
        where = module.where(call)
        literal = frozenset(k.arg for k in call.keywords if k.arg is not None) - {"sender"}
        positional = bool(call.args)
        dynamic = [k.value for k in call.keywords if k.arg is None]
        if not dynamic:
            return [SendSite(where, literal, positional)]
        assert len(dynamic) == 1 and isinstance(dynamic[0], ast.Name), where
        name = dynamic[0].id
        function = module.enclosing_function(call)
        assert function is not None, where
        if function.args.kwarg is not None and function.args.kwarg.arg == name:
            return self._forwarded(module, function, literal, positional, where)
        # An ordinary parameter holding a dict of extra keywords (allauth's
        # ``signal_kwargs``, None or a dict): its keys are whatever the package passes as
        # ``name={...}`` anywhere, and only some paths pass it at all.
        params = {a.arg for a in (*function.args.args, *function.args.kwonlyargs)}
        assert name in params, f"{where}: **{name} is neither **kwargs nor a parameter"
        passed: set[str] = set()
        for other in self.containing(f"{name}="):
            for node in ast.walk(other.tree):
                if (
                    isinstance(node, ast.keyword)
                    and node.arg == name
                    and isinstance(node.value, ast.Dict)
                ):
                    passed |= _str_keys(node.value)
        assert passed, f"{where}: nothing in the package passes {name}={{...}}"
        return [SendSite(where, literal, positional, maybe=frozenset(passed))]

    def _forwarded(
        self,
        module: SourceModule,
        function: Function,
        literal: frozenset[str],
        positional: bool,
        where: str,
    ) -> list[SendSite]:
        """``send(..., **kwargs)`` forwarding the enclosing function's own ``**kwargs``:
        each call of that function is one way of sending, with the keywords it passes
        beyond the function's named parameters."""
        assert module.enclosing_function(function) is None, f"{where}: nested function"
        assert isinstance(module.parents.get(function), ast.Module), f"{where}: a method"
        named = {
            a.arg
            for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)
        }
        expanded = []
        for caller_module, caller in self.calls_to(f"{module.name}.{function.name}"):
            definite = set(k.arg for k in caller.keywords if k.arg) - named
            maybe: set[str] = set()
            for keyword in caller.keywords:
                if keyword.arg is None:
                    sure, unsure = self._dict_keys(caller_module, caller, keyword.value)
                    definite |= sure
                    maybe |= unsure
            expanded.append(
                SendSite(
                    f"{where} via {caller_module.where(caller)}",
                    literal | definite,
                    positional,
                    maybe=frozenset(maybe - definite),
                )
            )
        assert expanded, f"{where}: nobody calls {function.name}()"
        return expanded

    def _dict_keys(
        self, module: SourceModule, call: ast.Call, value: ast.expr
    ) -> tuple[set[str], set[str]]:
        """The keys of a ``**value`` argument: (surely passed, passed on some paths).

        Understood: a dict literal; a local variable of the calling function assigned a
        dict literal or a comprehension over a literal list of strings, and then filled by
        ``var["key"] = ...`` statements (those nested in if/for/try count as "some paths").
        """
        where = module.where(call)
        if isinstance(value, ast.Dict):
            return set(_str_keys(value)), set()
        assert isinstance(value, ast.Name), f"{where}: **{ast.unparse(value)}"
        function = module.enclosing_function(call)
        assert function is not None, where
        sure: set[str] = set()
        unsure: set[str] = set()
        for node in ast.walk(function):
            top_level = module.parents.get(node) is function
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == value.id for t in node.targets
            ):
                assert top_level, f"{where}: {value.id} assigned conditionally"
                if isinstance(node.value, ast.Dict):
                    sure |= _str_keys(node.value)
                elif isinstance(node.value, ast.DictComp):
                    (generator,) = node.value.generators
                    assert isinstance(generator.iter, (ast.List, ast.Tuple)), where
                    keys = set()
                    for element in generator.iter.elts:
                        assert isinstance(element, ast.Constant), where
                        assert isinstance(element.value, str), where
                        keys.add(element.value)
                    (unsure if generator.ifs else sure).update(keys)
                else:
                    raise AssertionError(f"{where}: {value.id} = {ast.unparse(node.value)}")
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id == value.id
            ):
                assert isinstance(node.slice, ast.Constant), where
                assert isinstance(node.slice.value, str), where
                statement = module.parents.get(node)
                top_level = module.parents.get(statement) is function if statement else False
                (sure if top_level else unsure).add(node.slice.value)
        return sure, unsure


# ---------------------------------------------------------------------------
# Per installed package
# ---------------------------------------------------------------------------


@dataclass
class Installed:
    package: str
    version: Version
    source: PackageSource

    @property
    def records(self) -> list[SignalSpec]:
        """The records verified for the installed version."""
        return [
            s
            for s in THIRD_PARTY_SIGNALS
            if s.package == self.package and verified_for(s, self.version)
        ]

    @property
    def other_records(self) -> list[SignalSpec]:
        """The package's records for other versions (moved, removed, not yet added)."""
        return [
            s
            for s in THIRD_PARTY_SIGNALS
            if s.package == self.package and not verified_for(s, self.version)
        ]


_installed_cache: dict[str, Installed] = {}


def installed(package: str) -> Installed:
    """The installed ``package`` with its parsed source; skips the test when it is absent."""
    if package not in _installed_cache:
        top = THIRD_PARTY_PACKAGES[package]
        pytest.importorskip(top)  # these top-level packages import without settings
        spec = importlib.util.find_spec(top)
        assert spec is not None and spec.origin is not None
        version = parse_package_version(importlib.metadata.version(package))
        root = Path(spec.origin).resolve().parent
        _installed_cache[package] = Installed(package, version, PackageSource(root))
    return _installed_cache[package]


def expected_kwargs(spec: SignalSpec, version: Version) -> tuple[frozenset[str], frozenset[str]]:
    """(always, sometimes) keyword names of ``spec`` in ``version`` of its package."""
    present = [kw for kw in spec.kwargs if (kwarg_added_in(kw) or (0, 0)) <= version]
    return (
        frozenset(kw.name for kw in present if kw.always),
        frozenset(kw.name for kw in present if not kw.always),
    )


RECORDS_BY_PACKAGE = {p: [s for s in THIRD_PARTY_SIGNALS if s.package == p] for p in PACKAGE_NAMES}
ALL_RECORDS = list(THIRD_PARTY_SIGNALS)


@pytest.mark.parametrize("package", PACKAGE_NAMES)
def test_installed_version_was_verified(package: str) -> None:
    pkg = installed(package)
    assert pkg.records, (
        f"{package} {importlib.metadata.version(package)} is not covered by the records'"
        " 'verified' ranges: read its source and update signallint/thirdparty.py"
    )


@pytest.mark.parametrize("package", PACKAGE_NAMES)
def test_every_signal_in_source_is_catalogued(package: str) -> None:
    pkg = installed(package)
    defined = pkg.source.signal_definitions
    assert defined, f"found no Signal() in {package}: is the scan broken?"
    catalogued = {spec.qualified_name: spec for spec in pkg.records}
    assert sorted(set(defined) - set(catalogued)) == []
    assert sorted(set(catalogued) - set(defined)) == []
    for name, factory in defined.items():
        assert catalogued[name].model_signal == (factory == "ModelSignal"), name
    for spec in pkg.other_records:
        assert spec.qualified_name not in defined, (
            f"{spec.qualified_name} exists in {package} {pkg.version} but is not verified for it"
        )


@pytest.mark.parametrize("spec", ALL_RECORDS, ids=_ids(ALL_RECORDS))
def test_keywords_match_send_call_sites(spec: SignalSpec) -> None:
    pkg = installed(spec.package)
    if not verified_for(spec, pkg.version):
        pytest.skip(f"not in {spec.package} {pkg.version}")
    sites = pkg.source.send_sites.get(spec.qualified_name, [])
    assert sites, f"{spec.qualified_name} is never sent by {spec.package} {pkg.version}"
    union = frozenset().union(*(site.keywords | site.maybe for site in sites))
    everywhere = frozenset.intersection(*(site.keywords for site in sites))
    detail = "\n".join(
        f"  {site.where}: {sorted(site.keywords)} maybe {sorted(site.maybe)}" for site in sites
    )
    always, sometimes = expected_kwargs(spec, pkg.version)
    assert union == always | sometimes, detail
    assert everywhere == always, detail
    positional = any(site.positional_sender for site in sites)
    assert positional == ("positionally" in spec.sender), detail


@pytest.mark.parametrize("spec", ALL_RECORDS, ids=_ids(ALL_RECORDS))
def test_signal_imports(spec: SignalSpec, django_env: None) -> None:
    pkg = installed(spec.package)
    if not verified_for(spec, pkg.version):
        pytest.skip(f"not in {spec.package} {pkg.version}")
    if spec.module in NEEDS_INSTALLED_APP:
        # Proved by the source scan instead (test_every_signal_in_source_is_catalogued).
        assert spec.qualified_name in pkg.source.signal_definitions
        return
    from django.db.models.signals import ModelSignal
    from django.dispatch import Signal

    obj = getattr(importlib.import_module(spec.module), spec.name)
    assert isinstance(obj, Signal)
    assert isinstance(obj, ModelSignal) == spec.model_signal
    for module in spec.reexported_from:
        assert getattr(importlib.import_module(module), spec.name) is obj, module


@pytest.mark.parametrize("qualified", sorted(DJANGO_SIGNALS_REEXPORTED))
def test_django_signals_reexported(qualified: str, django_env: None) -> None:
    module, _, name = qualified.rpartition(".")
    package = next(p for p, top in THIRD_PARTY_PACKAGES.items() if module.startswith(f"{top}."))
    installed(package)
    target_module, _, target_name = DJANGO_SIGNALS_REEXPORTED[qualified].rpartition(".")
    target = getattr(importlib.import_module(target_module), target_name)
    assert getattr(importlib.import_module(module), name) is target


def test_allauth_authentication_step_keywords_come_from_callers() -> None:
    """authentication_step_completed forwards record_authentication()'s **extra_data:
    make sure the expansion found the callers (password, code, reset, social, mfa, reauth)."""
    pkg = installed("django-allauth")
    spec = third_party_by_qualified_name()["allauth.account.signals.authentication_step_completed"]
    if not verified_for(spec, pkg.version):
        pytest.skip(f"not in django-allauth {pkg.version}")
    sites = pkg.source.send_sites[spec.qualified_name]
    assert all(" via " in site.where for site in sites)
    assert len(sites) >= 6, [site.where for site in sites]
