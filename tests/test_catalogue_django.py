"""The signal catalogue, proved against the Django installed in the test environment.

Every check looks only at the records for the installed version, ``django.VERSION[:2]``:

* imports: every catalogued signal that exists imports from its module and from each
  re-export, as the same ``Signal``/``ModelSignal`` object; removed signals are gone;
* completeness: every module-level ``X = Signal()``/``ModelSignal()`` in Django's source
  is catalogued;
* keywords from source: the keyword names passed at every ``send``/``send_robust``/
  ``asend``/``asend_robust`` call site of each signal (resolved through the imports of the
  calling file) match the catalogue, ``always`` included;
* MODULE_NAMES: every name importable from the listed modules is listed;
* runtime: each signal is really triggered in a small in-memory project and the keyword
  names its receivers get match the catalogue;
* Django's modules (signallint/django_modules.py): every module of the installed Django
  is listed for its version and no other; every listed module that imports here has
  exactly the signal names, ``receiver`` and ``Signal`` the table says it provides.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import django
import pytest

from signallint import catalogue, django_modules, module_names, vocabulary
from signallint.catalogue import (
    DISPATCHER_KWARGS,
    MODULE_NAMES,
    RECEIVER_MODULES,
    SIGNALS,
    SUPPORTED_VERSIONS,
    SignalSpec,
    Version,
)
from tests.source_scan import SourceModule, SourceTree

VERSION: Version = (int(django.VERSION[0]), int(django.VERSION[1]))
EXISTING = [spec for spec in SIGNALS if spec.exists_in(VERSION)]
GONE = [spec for spec in SIGNALS if spec.until is not None and spec.until <= VERSION]
NOT_YET = [spec for spec in SIGNALS if spec.since is not None and spec.since > VERSION]
SEND_METHODS = frozenset({"send", "send_robust", "asend", "asend_robust"})


def _ids(specs: list[SignalSpec]) -> list[str]:
    return [spec.qualified_name for spec in specs]


def _by_name(name: str, module: str | None = None) -> SignalSpec:
    found = [
        spec
        for spec in catalogue.find_signals_named(name)
        if spec.exists_in(VERSION) and (module is None or spec.module == module)
    ]
    assert len(found) == 1, (name, found)
    return found[0]


def test_installed_django_is_a_supported_version() -> None:
    assert VERSION in SUPPORTED_VERSIONS, (
        f"Django {django.get_version()} is not in SUPPORTED_VERSIONS: the catalogue has no "
        "records for it yet"
    )


# ---------------------------------------------------------------------------
# The data itself (pure)
# ---------------------------------------------------------------------------


def test_records_are_well_formed() -> None:
    seen: set[tuple[str, str]] = set()
    for spec in SIGNALS:
        key = (spec.module, spec.name)
        assert key not in seen, f"duplicate record {spec.qualified_name}"
        seen.add(key)
        assert spec.sender, spec.qualified_name
        if spec.since is not None and spec.until is not None:
            assert spec.since < spec.until, spec.qualified_name
        names = [kw.name for kw in spec.kwargs]
        assert len(names) == len(set(names)), spec.qualified_name
        assert not DISPATCHER_KWARGS & set(names), spec.qualified_name
        assert spec.module not in spec.reexported_from, spec.qualified_name
        for kw in spec.kwargs:
            if kw.since is not None and kw.until is not None:
                assert kw.since < kw.until, (spec.qualified_name, kw.name)


def test_lookup_helpers() -> None:
    for version in SUPPORTED_VERSIONS:
        table = catalogue.signals_by_qualified_name(version)
        assert (
            table["django.test.signals.setting_changed"]
            is table["django.core.signals.setting_changed"]
        )
        assert table["django.contrib.auth.user_logged_in"].module == "django.contrib.auth.signals"
        assert "django.db.models.signals.pre_syncdb" not in table
        assert ("django.tasks.signals.task_enqueued" in table) == (version >= (6, 0))
        assert catalogue.signals_by_qualified_name(version) is table  # cached
        for spec in SIGNALS:
            for module in (spec.module, *spec.reexported_from):
                assert (table.get(f"{module}.{spec.name}") is spec) == spec.exists_in(version)
    assert [s.module for s in catalogue.find_signals_named("post_syncdb")] == [
        "django.db.models.signals"
    ]
    assert catalogue.find_signals_named("no_such_signal") == ()
    assert catalogue.module_has_name("django.db.models.signals", "post_save") is True
    assert catalogue.module_has_name("django.db.models.signals", "post_saved") is False
    assert catalogue.module_has_name("myapp.signals", "post_save") is None
    for module in RECEIVER_MODULES:
        assert catalogue.module_has_name(module, "receiver") is True


def test_module_names_cover_every_signal_module() -> None:
    for spec in SIGNALS:
        if not any(spec.exists_in(v) for v in SUPPORTED_VERSIONS):
            continue
        for module in (spec.module, *spec.reexported_from):
            assert module in MODULE_NAMES, module
            assert spec.name in MODULE_NAMES[module], (module, spec.name)
    for module in RECEIVER_MODULES:
        assert module in MODULE_NAMES


# ---------------------------------------------------------------------------
# (a) imports
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("spec", EXISTING, ids=_ids(EXISTING))
def test_signal_imports_from_module_and_reexports(spec: SignalSpec, django_env: None) -> None:
    from django.db.models.signals import ModelSignal
    from django.dispatch import Signal

    obj = getattr(importlib.import_module(spec.module), spec.name)
    assert isinstance(obj, Signal)
    assert isinstance(obj, ModelSignal) == spec.model_signal
    for module in spec.reexported_from:
        assert getattr(importlib.import_module(module), spec.name) is obj, module


@pytest.mark.parametrize("spec", GONE + NOT_YET, ids=_ids(GONE + NOT_YET))
def test_signal_absent_outside_its_versions(spec: SignalSpec, django_env: None) -> None:
    for module in (spec.module, *spec.reexported_from):
        try:
            imported = importlib.import_module(module)
        except ImportError:
            continue
        assert not hasattr(imported, spec.name), f"{module}.{spec.name} exists in {VERSION}"


@pytest.mark.parametrize("module", RECEIVER_MODULES)
def test_receiver_imports(module: str) -> None:
    from django.dispatch import receiver

    assert importlib.import_module(module).receiver is receiver


@pytest.mark.parametrize("module", sorted(MODULE_NAMES))
def test_module_names_are_complete(module: str, django_env: None) -> None:
    try:
        imported = importlib.import_module(module)
    except ImportError:
        assert not any(
            spec.exists_in(VERSION) and module in (spec.module, *spec.reexported_from)
            for spec in SIGNALS
        ), f"{module} does not import but defines signals in {VERSION}"
        return
    names = set(dir(imported))
    if hasattr(imported, "__path__"):
        names.update(info.name for info in pkgutil.iter_modules(imported.__path__))
    missing = names - MODULE_NAMES[module]
    assert not missing, f"from {module} import X works for {sorted(missing)}"


# ---------------------------------------------------------------------------
# Django's modules, and which provide each signal name (django_modules.py)
# ---------------------------------------------------------------------------


def _modules_on_disk(path: Path, prefix: str) -> Iterator[str]:
    """The modules ``pkgutil`` finds under ``path``, without importing any."""
    for info in pkgutil.iter_modules([str(path)]):
        name = f"{prefix}.{info.name}"
        yield name
        if info.ispkg:
            yield from _modules_on_disk(path / info.name, name)


def _listed_modules(version: Version) -> set[str]:
    return {m for m in module_names._modules() if module_names.module_exists(m, version)}


def test_module_table_lists_every_module_of_the_installed_django() -> None:
    root = Path(django.__file__).resolve().parent
    on_disk = {"django", *_modules_on_disk(root, "django")}
    listed = _listed_modules(VERSION)
    assert sorted(on_disk - listed) == [], "modules missing from django_modules.MODULES"
    assert sorted(listed - on_disk) == [], f"listed but not in Django {VERSION}"


def test_module_table_is_well_formed() -> None:
    assert set(django_modules.PROVIDERS) == vocabulary.IMPORT_CHECKED_NAMES
    every = set().union(*(_listed_modules(v) for v in SUPPORTED_VERSIONS))
    for name in django_modules.PROVIDERS:
        for module in module_names._providers(name):
            assert module in every, (name, module)
            for version in SUPPORTED_VERSIONS:
                if module_names.provides(module, name, version):
                    assert module_names.module_exists(module, version), (name, module, version)
    # Each catalogued signal is provided by its module and re-exports exactly when it exists.
    for spec in SIGNALS:
        for version in SUPPORTED_VERSIONS:
            for module in (spec.module, *spec.reexported_from):
                assert module_names.provides(module, spec.name, version) == spec.exists_in(
                    version
                ), (spec.qualified_name, module, version)
    for version in SUPPORTED_VERSIONS:
        for module in RECEIVER_MODULES:
            assert module_names.provides(module, "receiver", version)
            assert module_names.provides(module, "Signal", version)
    assert not module_names.module_exists("django.dispatch.signals", VERSION)
    assert not module_names.provides("django.contrib.auth.models", "user_logged_in", VERSION)


@pytest.fixture(scope="module")
def probed_modules() -> dict[str, list[str] | str]:
    """Every listed module of the installed version, imported in a subprocess: the
    checked names it has, or the type of the error that kept it from importing."""
    listed = sorted(_listed_modules(VERSION))
    done = subprocess.run(
        [sys.executable, "-m", "tests.django_module_probe"],
        input="\n".join(listed),
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    found: dict[str, list[str] | str] = json.loads(done.stdout)
    assert sorted(found) == listed
    return found


def test_module_table_providers_match_real_imports(
    probed_modules: dict[str, list[str] | str],
) -> None:
    imported = {m: names for m, names in probed_modules.items() if isinstance(names, list)}
    # Only optional dependencies (database drivers, GDAL, jinja2, selenium...) may keep a
    # module from importing: most of Django must have been checked.
    assert len(imported) > 0.8 * len(probed_modules), {
        m: e for m, e in probed_modules.items() if isinstance(e, str)
    }
    wrong = {}
    for module, names in imported.items():
        if module_names._in(module_names._open_modules().get(module), VERSION):
            continue  # a module-level __getattr__: the table claims nothing
        table = {
            n for n in vocabulary.IMPORT_CHECKED_NAMES if module_names.provides(module, n, VERSION)
        }
        if table != set(names):
            wrong[module] = {
                "listed only": sorted(table - set(names)),
                "real only": sorted(set(names) - table),
            }
    assert wrong == {}


# ---------------------------------------------------------------------------
# Django's source, read with ast
# ---------------------------------------------------------------------------


@dataclass
class SendSite:
    """One way a signal gets sent: a call site, or a call site reached through a caller
    that fills the ``**kwargs`` it forwards."""

    where: str
    keywords: frozenset[str]
    positional_sender: bool


class DjangoSource(SourceTree):
    def __init__(self, root: Path) -> None:
        super().__init__(root, lambda parts: "app_template" in parts or "project_template" in parts)

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
                where = f"{module.name}:{node.lineno}"
                parent = module.parents.get(node)
                grandparent = module.parents.get(parent) if parent is not None else None
                if isinstance(parent, ast.Call) and parent.func is node:
                    call = parent
                elif (
                    isinstance(parent, ast.Call)
                    and node in parent.args
                    and isinstance(grandparent, ast.Call)
                    and grandparent.func is parent
                ):
                    call = grandparent  # sync_to_async(signal.send)(sender=..., ...)
                else:
                    raise AssertionError(f"{where}: {node.attr} referenced but not called")
                sites.setdefault(signal, []).extend(self._expand(module, node, call, where))
        return sites

    def _expand(
        self, module: SourceModule, node: ast.AST, call: ast.Call, where: str
    ) -> list[SendSite]:
        literal = frozenset(k.arg for k in call.keywords if k.arg is not None) - {"sender"}
        positional = bool(call.args)
        dynamic = [k.value for k in call.keywords if k.arg is None]
        if not dynamic:
            return [SendSite(where, literal, positional)]
        # The only allowed form: ``**kwargs`` forwarding the enclosing function's own
        # ``**kwargs`` (django.core.management.sql.emit_{pre,post}_migrate_signal). Then
        # each call of that function is one way of sending, with the keywords it passes
        # beyond the function's named parameters.
        function = module.enclosing_function(node)
        assert function is not None and function.args.kwarg is not None, where
        assert len(dynamic) == 1 and isinstance(dynamic[0], ast.Name), where
        assert dynamic[0].id == function.args.kwarg.arg, where
        assert module.enclosing_function(function) is None, f"{where}: nested function"
        named = {a.arg for a in (*function.args.args, *function.args.kwonlyargs)}
        expanded = []
        for caller_module, caller in self.calls_to(f"{module.name}.{function.name}"):
            assert all(k.arg is not None for k in caller.keywords), (
                f"{caller_module.name}:{caller.lineno} passes **kwargs on to {where}"
            )
            forwarded = frozenset(k.arg for k in caller.keywords if k.arg) - named
            expanded.append(
                SendSite(
                    f"{where} via {caller_module.name}:{caller.lineno}",
                    literal | forwarded,
                    positional,
                )
            )
        assert expanded, f"{where}: nobody calls {function.name}()"
        return expanded


@pytest.fixture(scope="module")
def django_source() -> DjangoSource:
    return DjangoSource(Path(django.__file__).resolve().parent)


# ---------------------------------------------------------------------------
# (b) completeness
# ---------------------------------------------------------------------------


def test_every_signal_in_django_source_is_catalogued(django_source: DjangoSource) -> None:
    catalogued = {spec.qualified_name: spec for spec in EXISTING}
    defined = django_source.signal_definitions
    assert defined, "found no Signal() in Django's source: is the scan broken?"
    assert sorted(set(defined) - set(catalogued)) == []
    assert sorted(set(catalogued) - set(defined)) == []
    for name, factory in defined.items():
        assert catalogued[name].model_signal == (factory == "ModelSignal"), name


# ---------------------------------------------------------------------------
# (c) keyword arguments from the send() call sites
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("spec", EXISTING, ids=_ids(EXISTING))
def test_keywords_match_send_call_sites(spec: SignalSpec, django_source: DjangoSource) -> None:
    sites = django_source.send_sites.get(spec.qualified_name, [])
    assert sites, f"{spec.qualified_name} is never sent by Django {VERSION}"
    union = frozenset().union(*(site.keywords for site in sites))
    everywhere = frozenset.intersection(*(site.keywords for site in sites))
    detail = "\n".join(f"  {site.where}: {sorted(site.keywords)}" for site in sites)
    assert union == spec.always_sent(VERSION) | spec.sometimes_sent(VERSION), detail
    assert everywhere == spec.always_sent(VERSION), detail
    # The sender is passed positionally (``send(type(self), ...)``) only where the
    # catalogue says so.
    positional = any(site.positional_sender for site in sites)
    assert positional == ("positionally" in spec.sender), detail


def test_migrate_signals_forward_kwargs_from_migrate_only(django_source: DjangoSource) -> None:
    """pre_migrate is sent only through migrate; post_migrate also from flush and
    TransactionTestCase, which pass no apps/plan/stdout."""
    pre = django_source.send_sites["django.db.models.signals.pre_migrate"]
    post = django_source.send_sites["django.db.models.signals.post_migrate"]
    assert {site.where.split(" via ")[1].split(":")[0] for site in pre} == {
        "django.core.management.commands.migrate"
    }
    assert {site.where.split(" via ")[1].split(":")[0] for site in post} == {
        "django.core.management.commands.migrate",
        "django.core.management.commands.flush",
        "django.test.testcases",
    }


# ---------------------------------------------------------------------------
# (d) runtime: trigger every signal for real
# ---------------------------------------------------------------------------


@dataclass
class Recorded:
    signal: Any
    sender: Any
    kwargs: dict[str, Any]


class Recorder:
    """Connects ``record(signal, sender, **kwargs)`` to signals and keeps every call."""

    def __init__(self) -> None:
        self.calls: list[Recorded] = []
        self._connected: list[Any] = []

    def record(self, signal: Any, sender: Any, **kwargs: Any) -> None:
        self.calls.append(Recorded(signal, sender, kwargs))

    def connect(self, *specs: SignalSpec) -> None:
        for spec in specs:
            signal = getattr(importlib.import_module(spec.module), spec.name)
            signal.connect(self.record, weak=False, dispatch_uid=("catalogue-recorder", id(self)))
            self._connected.append(signal)

    def disconnect(self) -> None:
        for signal in self._connected:
            signal.disconnect(dispatch_uid=("catalogue-recorder", id(self)))
        self._connected.clear()

    def of(self, spec: SignalSpec) -> list[Recorded]:
        signal = getattr(importlib.import_module(spec.module), spec.name)
        return [call for call in self.calls if call.signal is signal]

    def clear(self) -> None:
        self.calls.clear()


@pytest.fixture
def recorder(django_env: None) -> Iterator[Recorder]:
    rec = Recorder()
    yield rec
    rec.disconnect()


def assert_keywords(
    spec: SignalSpec, calls: list[Recorded], *, sometimes: frozenset[str] | set[str] = frozenset()
) -> None:
    """Every recorded call got exactly the always-sent keywords plus ``sometimes``."""
    assert calls, f"{spec.name} was not sent"
    assert set(sometimes) <= spec.sometimes_sent(VERSION), spec.name
    expected = spec.always_sent(VERSION) | frozenset(sometimes)
    for call in calls:
        assert set(call.kwargs) == expected, (spec.name, sorted(call.kwargs), sorted(expected))


def _spec(name: str) -> SignalSpec:
    return _by_name(name)


def test_runtime_model_signals(recorder: Recorder) -> None:
    from tests.catalogue_app.models import Author, Book, Tag

    names = ["pre_init", "post_init", "pre_save", "post_save", "pre_delete", "post_delete"]
    specs = {name: _spec(name) for name in names}
    recorder.connect(*specs.values())
    author = Author(name="Ann")
    author.save()
    book = Book.objects.create(title="B", author=author)
    tag = Tag.objects.create(name="t")
    book.tags.add(tag)
    author.delete()  # cascades to the book (and its m2m rows, without signals)
    for spec in specs.values():
        assert_keywords(spec, recorder.of(spec))
    saves = recorder.of(specs["post_save"])
    assert {call.sender for call in saves} == {Author, Book, Tag}
    deleted = recorder.of(specs["pre_delete"])
    assert {call.sender for call in deleted} == {Author, Book}  # no through-model rows
    if VERSION >= (4, 1):
        assert all(call.kwargs["origin"] is author for call in deleted)
    assert all(set(call.kwargs) == {"args", "kwargs"} for call in recorder.of(specs["pre_init"]))


def test_runtime_m2m_changed(recorder: Recorder) -> None:
    from tests.catalogue_app.models import Author, Book, Tag

    spec = _spec("m2m_changed")
    recorder.connect(spec)
    book = Book.objects.create(title="M", author=Author.objects.create(name="M"))
    tags = [Tag.objects.create(name=str(i)) for i in range(3)]
    book.tags.add(*tags)
    book.tags.remove(tags[0])
    book.tags.set(tags[:1])
    book.tags.clear()
    tags[1].books.add(book)  # reverse side
    calls = recorder.of(spec)
    assert_keywords(spec, calls)
    assert {call.kwargs["action"] for call in calls} == {
        "pre_add",
        "post_add",
        "pre_remove",
        "post_remove",
        "pre_clear",
        "post_clear",
    }
    assert {call.sender for call in calls} == {Book.tags.through}
    assert {call.kwargs["reverse"] for call in calls} == {False, True}
    if "raw" in spec.always_sent(VERSION):
        assert {call.kwargs["raw"] for call in calls} == {False}


@pytest.mark.skipif(VERSION < (6, 1), reason="m2m_changed sends raw from Django 6.1")
def test_runtime_m2m_changed_raw_from_deserialization(recorder: Recorder) -> None:
    from django.core import serializers

    from tests.catalogue_app.models import Author, Book, Tag

    spec = _spec("m2m_changed")
    book = Book.objects.create(title="R", author=Author.objects.create(name="R"))
    tag = Tag.objects.create(name="r")
    book.tags.add(tag)
    data = serializers.serialize("json", [book])
    book.tags.clear()  # so that loading the fixture really adds the tag back
    recorder.connect(spec)
    for obj in serializers.deserialize("json", data):
        obj.save()
    calls = recorder.of(spec)
    assert_keywords(spec, calls)
    assert {call.kwargs["action"] for call in calls} == {"pre_add", "post_add"}
    assert {call.kwargs["raw"] for call in calls} == {True}


def test_runtime_class_prepared(recorder: Recorder) -> None:
    from django.db import models
    from django.test.utils import isolate_apps

    spec = _spec("class_prepared")
    recorder.connect(spec)
    with isolate_apps("tests.catalogue_app"):

        class Prepared(models.Model):
            class Meta:
                app_label = "catalogue_app"

    calls = recorder.of(spec)
    assert_keywords(spec, calls)
    assert [call.sender for call in calls] == [Prepared]


def test_runtime_migrate(recorder: Recorder) -> None:
    from django.apps import AppConfig
    from django.core.management import call_command
    from django.core.management.sql import emit_post_migrate_signal

    pre, post = _spec("pre_migrate"), _spec("post_migrate")
    recorder.connect(pre, post)
    call_command("migrate", verbosity=0, interactive=False)
    assert_keywords(pre, recorder.of(pre))
    assert_keywords(post, recorder.of(post), sometimes=post.sometimes_sent(VERSION))
    senders = {call.sender.label for call in recorder.of(post)}
    assert {"auth", "contenttypes", "sessions", "catalogue_app"} <= senders
    assert "messages" not in senders  # no models module: no migrate signals
    assert all(isinstance(call.sender, AppConfig) for call in recorder.calls)
    # The path flush and TransactionTestCase(available_apps=...) take.
    recorder.clear()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert_keywords(post, recorder.of(post))
    assert not recorder.of(pre)


def test_runtime_wsgi_request(recorder: Recorder) -> None:
    from django.test import Client

    started, finished, exc = (
        _spec("request_started"),
        _spec("request_finished"),
        _spec("got_request_exception"),
    )
    recorder.connect(started, finished, exc)
    response = Client().get("/hello/?name=signals")
    assert response.status_code == 200
    assert b"Hello, signals!" in response.content
    assert_keywords(started, recorder.of(started), sometimes={"environ"})
    assert_keywords(finished, recorder.of(finished))
    assert not recorder.of(exc)
    assert recorder.of(started)[0].sender.__name__ == "ClientHandler"
    # HttpResponse.close() sends sender=response._handler_class, which only the real
    # WSGIHandler/ASGIHandler set: under the test client it is None.
    assert [call.sender for call in recorder.of(finished)] == [None]


def test_runtime_got_request_exception(recorder: Recorder) -> None:
    from django.test import Client

    spec = _spec("got_request_exception")
    recorder.connect(spec)
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    calls = recorder.of(spec)
    assert_keywords(spec, calls)
    assert [call.sender for call in calls] == [None]


def test_runtime_asgi_request(recorder: Recorder) -> None:
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    started, finished = _spec("request_started"), _spec("request_finished")
    recorder.connect(started, finished)

    async def get() -> Any:
        return await AsyncClient().get("/hello/")

    response = async_to_sync(get)()
    assert response.status_code == 200
    assert_keywords(started, recorder.of(started), sometimes={"scope"})
    assert_keywords(finished, recorder.of(finished))


def test_runtime_connection_created(recorder: Recorder) -> None:
    from django.db import connections

    spec = _spec("connection_created")
    recorder.connect(spec)
    connection = connections.create_connection("default")
    try:
        connection.ensure_connection()
    finally:
        connection.close()
    calls = recorder.of(spec)
    assert_keywords(spec, calls)
    assert calls[0].kwargs["connection"] is connection
    assert calls[0].sender is type(connection)


def test_runtime_setting_changed(recorder: Recorder) -> None:
    from django.conf import settings
    from django.test import override_settings

    spec = _spec("setting_changed")
    recorder.connect(spec)
    with override_settings(SIGNALLINT_EXAMPLE=1):
        assert settings.SIGNALLINT_EXAMPLE == 1
    calls = recorder.of(spec)
    assert_keywords(spec, calls)
    assert [(c.kwargs["setting"], c.kwargs["enter"]) for c in calls] == [
        ("SIGNALLINT_EXAMPLE", True),
        ("SIGNALLINT_EXAMPLE", False),
    ]


def test_runtime_template_rendered(recorder: Recorder) -> None:
    from django.template import engines

    spec = _spec("template_rendered")
    recorder.connect(spec)
    template = engines["django"].from_string("Hi {{ who }}")
    assert template.render({"who": "you"}) == "Hi you"
    calls = recorder.of(spec)
    assert_keywords(spec, calls)
    assert calls[0].sender is template.template  # the django.template.base.Template


def test_runtime_auth_signals(recorder: Recorder) -> None:
    from django.contrib.auth import authenticate, login, logout
    from django.contrib.auth.models import AnonymousUser, User
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpRequest, HttpResponse
    from django.test import RequestFactory

    logged_in, logged_out, failed = (
        _spec("user_logged_in"),
        _spec("user_logged_out"),
        _spec("user_login_failed"),
    )
    recorder.connect(logged_in, logged_out, failed)
    User.objects.filter(username="catalogue").delete()
    user = User.objects.create_user("catalogue", password="right")

    def with_session() -> HttpRequest:
        request = RequestFactory().get("/")
        SessionMiddleware(lambda r: HttpResponse()).process_request(request)
        request.user = AnonymousUser()  # as AuthenticationMiddleware would; login() replaces it
        return request

    request = with_session()
    assert authenticate(request, username="catalogue", password="right") == user
    assert authenticate(request, username="catalogue", password="wrong") is None
    login(request, user)
    logout(request)
    logout(with_session())

    assert_keywords(logged_in, recorder.of(logged_in))
    assert_keywords(logged_out, recorder.of(logged_out))
    assert_keywords(failed, recorder.of(failed))
    assert [c.sender for c in recorder.of(logged_in)] == [User]
    assert [(c.sender, c.kwargs["user"]) for c in recorder.of(logged_out)] == [
        (User, user),
        (type(None), None),
    ]
    (failure,) = recorder.of(failed)
    assert failure.sender == "django.contrib.auth"
    assert failure.kwargs["request"] is request
    assert failure.kwargs["credentials"]["username"] == "catalogue"
    assert failure.kwargs["credentials"]["password"] != "wrong"  # masked


def test_runtime_autoreload_signals(recorder: Recorder) -> None:
    from django.utils import autoreload

    started, changed = _spec("autoreload_started"), _spec("file_changed")
    recorder.connect(started, changed)

    def keep_running(sender: Any, file_path: Path, **kwargs: Any) -> bool:
        return True  # a True result stops notify_file_changed() from reloading (exiting)

    autoreload.file_changed.connect(keep_running, weak=False)
    try:
        reloader = autoreload.StatReloader()
        reloader.stop()  # run() sends autoreload_started, then its loop ends at once
        reloader.run(threading.current_thread())
        reloader.notify_file_changed(Path(__file__))
    finally:
        autoreload.file_changed.disconnect(keep_running)
    assert_keywords(started, recorder.of(started))
    assert_keywords(changed, recorder.of(changed))
    assert recorder.of(started)[0].sender is reloader
    assert recorder.of(changed)[0].kwargs["file_path"] == Path(__file__)


@pytest.mark.skipif(VERSION < (6, 0), reason="django.tasks exists from Django 6.0")
def test_runtime_task_signals(recorder: Recorder) -> None:
    specs = [_spec("task_enqueued"), _spec("task_started"), _spec("task_finished")]
    recorder.connect(*specs)
    from tests.catalogue_app.tasks import add

    result = add.enqueue(2, 3)
    assert result.return_value == 5
    for spec in specs:
        calls = recorder.of(spec)
        assert_keywords(spec, calls)
        assert calls[0].kwargs["task_result"].id == result.id
        assert calls[0].sender.__name__ == "ImmediateBackend"


RUNTIME_TESTED = {
    "pre_init",
    "post_init",
    "pre_save",
    "post_save",
    "pre_delete",
    "post_delete",
    "m2m_changed",
    "class_prepared",
    "pre_migrate",
    "post_migrate",
    "request_started",
    "request_finished",
    "got_request_exception",
    "connection_created",
    "setting_changed",
    "template_rendered",
    "user_logged_in",
    "user_logged_out",
    "user_login_failed",
    "autoreload_started",
    "file_changed",
    "task_enqueued",
    "task_started",
    "task_finished",
}


def test_every_existing_signal_is_triggered_at_runtime() -> None:
    assert {spec.name for spec in EXISTING} <= RUNTIME_TESTED
