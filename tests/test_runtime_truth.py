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
        # Any Django module: only the modules that bind a name provide it.
        pytest.param(
            "from django.contrib.auth.models import user_logged_in\n",
            "SIG102",
            id="SIG102-any-module",
        ),
        pytest.param(
            "from django.core.management.signals import pre_migrate\n",
            "SIG102",
            id="SIG102-no-such-module",
        ),
        pytest.param("from django.db.models import post_delete\n", "SIG102", id="SIG102-package"),
        pytest.param(
            "from django.dispatch.signals import receiver\n", "SIG103", id="SIG103-no-such-module"
        ),
        pytest.param("from django.db.models import Signal\n", "SIG103", id="SIG103-signal-class"),
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
        # Modules that import a name for their own use provide it too.
        "from django.contrib.auth.apps import user_logged_in\n",
        "from django.db.models.base import post_save\n",
        "from django.test.signals import receiver\n",
        "from django.db.models.signals import Signal\n",
    ],
)
def test_good_imports_work(load, source: str) -> None:  # type: ignore[no-untyped-def]
    assert reported(source) == set()
    load(source)


def test_bad_imports_match_the_installed_django(load) -> None:  # type: ignore[no-untyped-def]
    """Each import the table judges for the installed version fails exactly when
    signallint reports it (both directions, every module that provides a name)."""
    from signallint import module_names
    from signallint.settings import Settings

    version = _installed_version()
    settings = Settings(django_version=version)
    cases = [
        ("django.contrib.auth.apps", "user_logged_in"),
        ("django.contrib.auth.models", "user_logged_in"),
        ("django.db.models.options", "setting_changed"),
        ("django.tasks.signals", "setting_changed"),
        ("django.db.models.base", "post_save"),
        ("django.db.models", "post_save"),
    ]
    for module, name in cases:
        source = f"from {module} import {name}\n"
        works = module_names.provides(module, name, version)
        assert (check_source(source, "case.py", settings) == []) == works, source
        if works:
            load(source)
        else:
            with pytest.raises(ImportError):
                load(source)


# -- Checking on after a wrong import (SIG102 + the receiver's rules) ------------------

WRONG_MODULE_NO_KWARGS = """
    from django.db.models.signals import user_logged_out

    calls = []

    def on_logout(sender, request, user):
        calls.append(user)

    def connect():
        user_logged_out.connect(on_logout)
"""


def test_wrong_import_still_checks_its_receivers(load) -> None:  # type: ignore[no-untyped-def]
    """The import fails (SIG102); once it is fixed, the receiver fails as SIG001 says,
    so SIG001 is reported from the start."""
    from django.test import override_settings

    assert reported(WRONG_MODULE_NO_KWARGS) == {"SIG102", "SIG001"}
    with pytest.raises(ImportError):
        load(WRONG_MODULE_NO_KWARGS)
    fixed = WRONG_MODULE_NO_KWARGS.replace(
        "django.db.models.signals", "django.contrib.auth.signals"
    )
    assert reported(fixed) == {"SIG001"}
    module = load(fixed)
    with override_settings(DEBUG=True), pytest.raises(ValueError, match=r"\*\*kwargs"):
        module.connect()
    both = fixed.replace("request, user)", "request, user, **kwargs)")
    assert reported(both) == set()
    module = load(both)
    with override_settings(DEBUG=True):
        module.connect()


# -- SIG2xx: connections that never fire ----------------------------------------------


def make_book() -> tuple[object, object]:
    from tests.catalogue_app.models import Author, Book, Tag

    author = Author.objects.create(name="Bo")
    return Book.objects.create(title="T", author=author), Tag.objects.create(name="x")


WEAK_LAMBDA = """
    from django.db.models.signals import post_save
    from tests.catalogue_app.models import Author

    calls = []
    post_save.connect(lambda sender, **kwargs: calls.append(sender), sender=Author)
"""


def test_sig201_weak_lambda_dies_in_production(load) -> None:  # type: ignore[no-untyped-def]
    import gc

    assert reported(WEAK_LAMBDA) == {"SIG201"}
    module = load(WEAK_LAMBDA)
    gc.collect()
    make_author()
    assert module.calls == []


def test_sig201_weak_false_keeps_it(load) -> None:  # type: ignore[no-untyped-def]
    import gc

    fixed = WEAK_LAMBDA.replace("sender=Author)", "sender=Author, weak=False)")
    assert reported(fixed) == set()
    module = load(fixed)
    gc.collect()
    make_author()
    assert len(module.calls) == 1


STRING_SENDER_ON_PLAIN_SIGNAL = """
    from django.contrib.auth.signals import user_login_failed
    from django.dispatch import receiver

    calls = []

    @receiver(user_login_failed, sender="auth.User")
    def on_failure(sender, credentials, **kwargs):
        calls.append(sender)
"""


def test_sig202_string_sender_never_matches(load) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth import authenticate

    assert reported(STRING_SENDER_ON_PLAIN_SIGNAL) == {"SIG202"}
    module = load(STRING_SENDER_ON_PLAIN_SIGNAL)
    authenticate(username="nobody", password="wrong")
    assert module.calls == []
    # Senders are matched by identity: even the very string Django sends, written in
    # another module, is another object.
    same_text = load(STRING_SENDER_ON_PLAIN_SIGNAL.replace('"auth.User"', '"django.contrib.auth"'))
    authenticate(username="nobody", password="wrong")
    assert same_text.calls == []


def test_sig203_malformed_lazy_sender_raises_at_connect(load) -> None:  # type: ignore[no-untyped-def]
    source = """
        from django.db.models.signals import post_save

        def on_save(sender, **kwargs):
            pass

        post_save.connect(on_save, sender="catalogue_app.models.Author")
    """
    assert reported(source) == {"SIG203"}
    with pytest.raises(ValueError, match="Invalid model reference"):
        load(source)
    fixed = source.replace("catalogue_app.models.Author", "catalogue_app.Author")
    assert reported(fixed) == set()
    load(fixed)


M2M_MODEL_SENDER = """
    from django.db.models.signals import m2m_changed
    from django.dispatch import receiver
    from tests.catalogue_app.models import Book

    calls = []

    @receiver(m2m_changed, sender=Book)
    def tags_changed(sender, action, **kwargs):
        calls.append(action)
"""


def test_sig204_m2m_changed_with_the_model_never_fires(load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The rule needs to see the model's ManyToManyField: check the app's models with it.
    models = Path(__file__).parent / "catalogue_app" / "models.py"
    (tmp_path / "models.py").write_text(models.read_text())
    case = tmp_path / "case.py"
    case.write_text(
        textwrap.dedent(M2M_MODEL_SENDER).replace("tests.catalogue_app.models", "models")
    )
    from signallint import check_paths

    assert {d.code for d in check_paths([str(tmp_path)]).diagnostics} == {"SIG204"}
    module = load(M2M_MODEL_SENDER)
    book, tag = make_book()
    book.tags.add(tag)  # type: ignore[attr-defined]
    assert module.calls == []
    fixed = load(M2M_MODEL_SENDER.replace("sender=Book)", "sender=Book.tags.through)"))
    book.tags.remove(tag)  # type: ignore[attr-defined]
    assert fixed.calls == ["pre_remove", "post_remove"]


def test_sig205_outer_decorator_is_skipped_by_the_signal(load) -> None:  # type: ignore[no-untyped-def]
    source = """
        from django.db.models.signals import post_save
        from django.dispatch import receiver
        from tests.catalogue_app.models import Author

        wrapped_calls = []

        def counted(function):
            def wrapper(*args, **kwargs):
                wrapped_calls.append(1)
                return function(*args, **kwargs)
            return wrapper

        @counted
        @receiver(post_save, sender=Author)
        def on_save(sender, **kwargs):
            pass
    """
    assert reported(source) == {"SIG205"}
    module = load(source)
    make_author()
    assert module.wrapped_calls == []


def test_sig205_tells_a_redefined_function_from_the_first(load) -> None:  # type: ignore[no-untyped-def]
    """Two defs of one name are two receivers: the first one's ``@receiver`` on top
    does not make the second one's outer decorator harmless."""
    source = """
        from django.db.models.signals import post_save
        from django.dispatch import receiver
        from tests.catalogue_app.models import Author

        wrapped_calls = []

        def counted(function):
            def wrapper(*args, **kwargs):
                wrapped_calls.append(1)
                return function(*args, **kwargs)
            return wrapper

        @receiver(post_save, sender=Author)
        def on_save(sender, **kwargs):
            pass

        @counted
        @receiver(post_save, sender=Author)
        def on_save(sender, **kwargs):
            pass
    """
    found = [(d.line, d.code) for d in check_source(textwrap.dedent(source), "case.py")]
    assert found == [(19, "SIG205")]
    module = load(source)
    make_author()
    assert module.wrapped_calls == []


def test_sig206_receiver_on_method(load) -> None:  # type: ignore[no-untyped-def]
    method = """
        from django.db.models.signals import post_save
        from django.dispatch import receiver
        from tests.catalogue_app.models import Author

        class Notifier:
            @receiver(post_save, sender=Author)
            def on_save(self, sender, **kwargs):
                pass
    """
    assert reported(method) == {"SIG206"}
    load(method)
    with pytest.raises(TypeError, match="self"):
        make_author()
    static_below = """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        class Notifier:
            @receiver(post_save)
            @staticmethod
            def on_save(sender, **kwargs):
                pass
    """
    assert reported(static_below) == {"SIG206"}
    with pytest.raises((AttributeError, TypeError)):
        load(static_below)


@pytest.mark.parametrize(
    "source",
    [
        "from django.db.models.signals import post_save\n"
        "def f(sender, **kwargs): pass\n"
        'post_save.connect(f, model="catalogue_app.Author")\n',
        "from django.db.models.signals import post_save\n"
        "from django.dispatch import receiver\n"
        "from tests.catalogue_app.models import Author\n"
        "@receiver(post_save, Author)\n"
        "def f(sender, **kwargs): pass\n",
    ],
    ids=["unknown-keyword", "positional-sender-in-receiver"],
)
def test_sig207_bad_connect_arguments_raise_at_import(load, source: str) -> None:  # type: ignore[no-untyped-def]
    assert reported(source) == {"SIG207"}
    with pytest.raises(TypeError):
        load(source)


@pytest.mark.parametrize(
    "call",
    ["order_paid.send(object, 1)", "order_paid.send()", 'order_paid.send(None, signal="x")'],
)
def test_sig208_bad_send_raises(load, call: str) -> None:  # type: ignore[no-untyped-def]
    source = f"""
        from django.dispatch import Signal

        order_paid = Signal()

        def on_paid(sender, **kwargs):
            pass

        order_paid.connect(on_paid)

        def pay():
            {call}
    """
    assert reported(source) == {"SIG208"}
    module = load(source)
    with pytest.raises(TypeError):
        module.pay()


def test_sig209_providing_args_raises(load) -> None:  # type: ignore[no-untyped-def]
    source = 'from django.dispatch import Signal\norder_paid = Signal(providing_args=["order"])\n'
    assert reported(source) == {"SIG209"}
    with pytest.raises(TypeError):
        load(source)


@pytest.mark.skipif("_installed_version() >= (5, 0)")
def test_sig210_async_receiver_never_runs_before_django_5(load) -> None:  # type: ignore[no-untyped-def]
    from signallint.settings import Settings

    source = """
        from django.db.models.signals import post_save
        from django.dispatch import receiver
        from tests.catalogue_app.models import Author

        calls = []

        @receiver(post_save, sender=Author)
        async def on_save(sender, **kwargs):
            calls.append(sender)
    """
    found = check_source(textwrap.dedent(source), "case.py", Settings(django_version=(4, 2)))
    assert {d.code for d in found} == {"SIG210"}
    module = load(source)
    with pytest.warns(RuntimeWarning, match="never awaited"):
        make_author()
        import gc

        gc.collect()
    assert module.calls == []


def test_sig211_post_save_recursion(load) -> None:  # type: ignore[no-untyped-def]
    source = """
        from django.db.models.signals import post_save
        from django.dispatch import receiver
        from tests.catalogue_app.models import Author

        @receiver(post_save, sender=Author)
        def rename(sender, instance, **kwargs):
            instance.name = instance.name + "!"
            instance.save()
    """
    assert reported(source) == {"SIG211"}
    load(source)
    with pytest.raises(RecursionError):
        make_author()


def test_sig213_connect_as_decorator_loses_the_function(load) -> None:  # type: ignore[no-untyped-def]
    import gc

    source = """
        from django.db.models.signals import post_save
        from tests.catalogue_app.models import Author

        calls = []

        @post_save.connect
        def on_save(sender, **kwargs):
            calls.append(sender)
    """
    assert reported(source) == {"SIG213"}
    module = load(source)
    assert module.on_save is None
    gc.collect()
    make_author()
    assert module.calls == []


def test_sig214_send_with_a_keyword_a_receiver_rejects(load) -> None:  # type: ignore[no-untyped-def]
    source = """
        from django.dispatch import Signal, receiver

        order_paid = Signal()

        @receiver(order_paid)
        def on_paid(signal, sender, order):
            pass

        def pay():
            order_paid.send(sender=None, order=1, amount=2)
    """
    assert reported(source) == {"SIG001", "SIG214"}
    module = load(source)
    with pytest.raises(TypeError, match="amount"):
        module.pay()
