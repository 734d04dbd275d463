"""Each rule's bad example really misbehaves under real Django, and its fix works.

A case is a module source. The test first asks signallint what it reports, then
imports the module for real (only here, in the tests: signallint itself never runs the
code it checks), connects what it connects, triggers the signal, and checks that
Django fails exactly as the rule's documentation says.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from signallint import check_source

pytestmark = pytest.mark.usefixtures("django_env")

_counter = itertools.count()


@pytest.fixture
def load(tmp_path: Path) -> Iterator[object]:
    """Import a source as a fresh module; disconnect its receivers afterwards."""
    from django.dispatch import Signal

    loaded: list[ModuleType] = []

    def _load(source: str) -> ModuleType:
        name = f"runtime_case_{next(_counter)}"
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(source))
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        loaded.append(module)
        return module

    receivers_before = {id(s): list(s.receivers) for s in _all_signals(Signal)}
    yield _load
    for signal in _all_signals(Signal):
        signal.receivers[:] = receivers_before.get(id(signal), signal.receivers)
        signal.sender_receivers_cache.clear()
    for module in loaded:
        sys.modules.pop(module.__name__, None)


def _all_signals(signal_class: type) -> list:  # type: ignore[type-arg]
    from signallint import catalogue

    found = []
    for qualified in catalogue.signals_by_qualified_name(_installed_version()):
        module, _, name = qualified.rpartition(".")
        found.append(getattr(importlib.import_module(module), name))
    return [s for s in found if isinstance(s, signal_class)]


def _installed_version() -> tuple[int, int]:
    import django

    return django.VERSION[0], django.VERSION[1]


def reported(source: str) -> set[str]:
    return {d.code for d in check_source(textwrap.dedent(source), "case.py")}


def make_author() -> None:
    from tests.catalogue_app.models import Author

    Author.objects.create(name="Ann")


# -- SIG001 receiver-missing-kwargs --------------------------------------------------

NO_KWARGS = """
    from django.db.models.signals import post_save
    from tests.catalogue_app.models import Author

    calls = []

    def on_save(sender, instance, created):
        calls.append(instance)

    def connect():
        post_save.connect(on_save, sender=Author)
"""


def test_sig001_debug_true_rejects_at_connect(load) -> None:  # type: ignore[no-untyped-def]
    from django.test import override_settings

    assert reported(NO_KWARGS) == {"SIG001"}
    module = load(NO_KWARGS)
    with override_settings(DEBUG=True), pytest.raises(ValueError, match=r"\*\*kwargs"):
        module.connect()


def test_sig001_debug_false_accepts_then_every_send_fails(load) -> None:  # type: ignore[no-untyped-def]
    module = load(NO_KWARGS)
    module.connect()
    with pytest.raises(TypeError):
        make_author()
    assert module.calls == []


def test_sig001_fixed_receiver_runs(load) -> None:  # type: ignore[no-untyped-def]
    from django.test import override_settings

    fixed = NO_KWARGS.replace("instance, created)", "instance, created, **kwargs)")
    assert reported(fixed) == set()
    module = load(fixed)
    with override_settings(DEBUG=True):
        module.connect()
    make_author()
    assert len(module.calls) == 1


# -- SIG002 receiver-requires-unsent-argument ----------------------------------------

CREATED_ON_PRE_SAVE = """
    from django.db.models.signals import pre_save
    from django.dispatch import receiver
    from tests.catalogue_app.models import Author

    calls = []

    @receiver(pre_save, sender=Author)
    def on_pre_save(sender, instance, created, **kwargs):
        calls.append(created)
"""


def test_sig002_unsent_parameter_raises_type_error_on_send(load) -> None:  # type: ignore[no-untyped-def]
    assert reported(CREATED_ON_PRE_SAVE) == {"SIG002"}
    load(CREATED_ON_PRE_SAVE)
    with pytest.raises(TypeError, match="created"):
        make_author()


def test_sig002_fixed_receiver_runs(load) -> None:  # type: ignore[no-untyped-def]
    fixed = CREATED_ON_PRE_SAVE.replace("instance, created, **kwargs", "instance, **kwargs")
    fixed = fixed.replace("calls.append(created)", "calls.append(instance)")
    assert reported(fixed) == set()
    module = load(fixed)
    make_author()
    assert len(module.calls) == 1


FAILED_LOGIN_USER = """
    from django.contrib.auth.signals import user_login_failed
    from django.dispatch import receiver

    calls = []

    @receiver(user_login_failed)
    def on_failure(sender, user, **kwargs):
        calls.append(user)
"""


def test_sig002_user_login_failed_never_sends_user(load) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth import authenticate

    assert reported(FAILED_LOGIN_USER) == {"SIG002"}
    load(FAILED_LOGIN_USER)
    with pytest.raises(TypeError, match="user"):
        authenticate(username="nobody", password="wrong")


def test_sig002_user_login_failed_fixed(load) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth import authenticate

    fixed = FAILED_LOGIN_USER.replace("sender, user, **kwargs", "sender, credentials, **kwargs")
    fixed = fixed.replace("calls.append(user)", "calls.append(credentials)")
    assert reported(fixed) == set()
    module = load(fixed)
    authenticate(username="nobody", password="wrong")
    assert module.calls and module.calls[0]["username"] == "nobody"


# -- SIG003 receiver-positional-parameter --------------------------------------------

MODEL_FIRST = """
    from django.db.models.signals import post_save
    from tests.catalogue_app.models import Author

    def audit(model, instance, **kwargs):
        pass

    post_save.connect(audit, sender=Author)
"""

POSITIONAL_ONLY = """
    from django.db.models.signals import post_save
    from tests.catalogue_app.models import Author

    def audit(sender, /, instance, **kwargs):
        pass

    post_save.connect(audit, sender=Author)
"""


@pytest.mark.parametrize(
    "source", [MODEL_FIRST, POSITIONAL_ONLY], ids=["model-first", "positional-only"]
)
def test_sig003_positional_parameters_fail_on_send(load, source: str) -> None:  # type: ignore[no-untyped-def]
    assert reported(source) == {"SIG003"}
    load(source)
    with pytest.raises(TypeError):
        make_author()


def test_sig003_fixed(load) -> None:  # type: ignore[no-untyped-def]
    fixed = MODEL_FIRST.replace("audit(model, instance", "audit(sender, instance")
    assert reported(fixed) == set()
    load(fixed)
    make_author()


# -- SIG101 / SIG102 / SIG103: imports that fail --------------------------------------


@pytest.mark.parametrize(
    ("source", "code"),
    [
        pytest.param(
            "from django.db.models.signals import post_saved\n", "SIG101", id="SIG101-import"
        ),
        pytest.param(
            "from django.db.models import signals\nsignals.pre_delte.connect(print)\n",
            "SIG101",
            id="SIG101-attribute",
        ),
        pytest.param(
            "from django.db.models.signals import pre_syncdb\n", "SIG101", id="SIG101-removed"
        ),
        pytest.param(
            "from django.db.models.signals import request_finished\n", "SIG102", id="SIG102"
        ),
        pytest.param("from django.dispatch import reciver\n", "SIG103", id="SIG103-typo"),
        pytest.param(
            "from django.db.models.signals import receiver\n", "SIG103", id="SIG103-wrong-module"
        ),
    ],
)
def test_bad_imports_fail_at_import_time(load, source: str, code: str) -> None:  # type: ignore[no-untyped-def]
    assert reported(source) == {code}
    with pytest.raises((ImportError, AttributeError)):
        load(source)


@pytest.mark.parametrize(
    "source",
    [
        "from django.db.models.signals import post_save\n",
        "from django.core.signals import request_finished\n",
        "from django.test.signals import setting_changed\n",
        "from django.contrib.auth import user_logged_in\n",
        "from django.dispatch import receiver\n",
        "from django.dispatch.dispatcher import receiver\n",
    ],
)
def test_good_imports_work(load, source: str) -> None:  # type: ignore[no-untyped-def]
    assert reported(source) == set()
    load(source)
