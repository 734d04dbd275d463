"""Fixed code really works under Django: what failed before the fix runs after it.

Each case is a module that misbehaves at runtime; the test fixes it with signallint's
fixer (never by hand), imports the result as a fresh module, and triggers the signal.
"""

from __future__ import annotations

import gc
import importlib.util
import itertools
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from signallint import check_paths, check_source
from signallint.fixer import fix, fix_source
from signallint.settings import Settings

pytestmark = pytest.mark.usefixtures("django_env")

_counter = itertools.count()
Load = Callable[[str], ModuleType]


@pytest.fixture
def load(tmp_path: Path) -> Iterator[Load]:
    """Import a source as a fresh module; restore every signal's receivers afterwards."""
    from django.db.models import signals as model_signals

    signals = [
        getattr(model_signals, name)
        for name in ("post_save", "pre_save", "m2m_changed")
        if hasattr(model_signals, name)
    ]
    from django.core import signals as core_signals

    signals += [core_signals.request_finished, core_signals.request_started]
    before = {id(s): list(s.receivers) for s in signals}
    loaded: list[str] = []

    def _load(source: str) -> ModuleType:
        name = f"fixed_case_{next(_counter)}"
        path = tmp_path / f"{name}.py"
        path.write_text(source)
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        loaded.append(name)
        spec.loader.exec_module(module)
        return module

    yield _load
    for signal in signals:
        signal.receivers[:] = before[id(signal)]
        signal.sender_receivers_cache.clear()
    for name in loaded:
        sys.modules.pop(name, None)


def fixed(source: str, *, unsafe: bool = False) -> str:
    result = fix_source(textwrap.dedent(source), "case.py", unsafe=unsafe)
    [file_fix] = result.files
    assert check_source(file_fix.text, "case.py") == [] or unsafe
    return file_fix.text


def make_author() -> object:
    from tests.catalogue_app.models import Author

    return Author.objects.create(name="Ann")


NO_KWARGS = """
    from django.db.models.signals import post_save
    from tests.catalogue_app.models import Author

    calls = []

    def on_save(sender, instance, created):
        calls.append(created)

    def connect():
        post_save.connect(on_save, sender=Author)
"""


def test_sig001_fixed_receiver_connects_under_debug_and_runs(load: Load) -> None:
    from django.test import override_settings

    broken = load(textwrap.dedent(NO_KWARGS))
    with override_settings(DEBUG=True), pytest.raises(ValueError, match=r"\*\*kwargs"):
        broken.connect()
    module = load(fixed(NO_KWARGS))
    with override_settings(DEBUG=True):
        module.connect()
    make_author()
    assert module.calls == [True]


MISSPELLED_RECEIVER = """
    from django.db.models.signals import post_save
    from django.dispatch import reciver
    from tests.catalogue_app.models import Author

    calls = []

    @reciver(post_save, sender=Author)
    def on_save(sender, instance, **kwargs):
        calls.append(instance.name)
"""


def test_sig103_fixed_import_loads_and_connects(load: Load) -> None:
    with pytest.raises(ImportError):
        load(textwrap.dedent(MISSPELLED_RECEIVER))
    module = load(fixed(MISSPELLED_RECEIVER))
    make_author()
    assert module.calls == ["Ann"]


WRONG_MODULE = """
    from django.db.models.signals import post_save, request_finished

    calls = []

    def finished(sender, **kwargs):
        calls.append(sender)

    request_finished.connect(finished)
"""


def test_sig102_fixed_import_is_the_real_signal(load: Load) -> None:
    from django.core.signals import request_finished

    with pytest.raises(ImportError):
        load(textwrap.dedent(WRONG_MODULE))
    module = load(fixed(WRONG_MODULE))
    assert module.request_finished is request_finished
    request_finished.send(sender="test")
    assert module.calls == ["test"]


PROVIDING_ARGS = """
    from django.dispatch import Signal

    order_paid = Signal(providing_args=["order", "amount"])
"""


def test_sig209_fixed_signal_is_created_and_sends(load: Load) -> None:
    with pytest.raises(TypeError):
        load(textwrap.dedent(PROVIDING_ARGS))
    source = fixed(PROVIDING_ARGS)
    assert "order_paid = Signal()  # providing_args: order, amount" in source
    module = load(source)
    seen = []
    module.order_paid.connect(lambda sender, **kwargs: seen.append(kwargs["order"]), weak=False)
    module.order_paid.send(sender=None, order=1, amount=2)
    assert seen == [1]


MISSPELLED_PARAMETER = """
    from django.db.models.signals import post_save
    from django.dispatch import receiver
    from tests.catalogue_app.models import Author

    calls = []

    @receiver(post_save, sender=Author)
    def on_save(sender, instnace, **kwargs):
        calls.append(instnace.name)
"""


def test_sig002_unsafe_rename_receives_the_instance(load: Load) -> None:
    broken = load(textwrap.dedent(MISSPELLED_PARAMETER))
    with pytest.raises(TypeError):
        make_author()
    assert broken.calls == []
    from django.db.models.signals import post_save

    from tests.catalogue_app.models import Author

    assert post_save.disconnect(broken.on_save, sender=Author)
    module = load(fixed(MISSPELLED_PARAMETER, unsafe=True))
    make_author()
    assert module.calls == ["Ann"]


WEAK_LAMBDA = """
    from django.db.models.signals import post_save
    from tests.catalogue_app.models import Author

    calls = []
    post_save.connect(lambda sender, **kwargs: calls.append(sender), sender=Author)
"""


def test_sig201_unsafe_weak_false_keeps_the_lambda(load: Load) -> None:
    broken = load(textwrap.dedent(WEAK_LAMBDA))
    gc.collect()
    make_author()
    assert broken.calls == []
    module = load(fixed(WEAK_LAMBDA, unsafe=True))
    gc.collect()
    make_author()
    assert len(module.calls) == 1


M2M_MODEL_SENDER = """\
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from models import Book

calls = []


@receiver(m2m_changed, sender=Book)
def tags_changed(sender, action, **kwargs):
    calls.append(action)
"""


def test_sig204_unsafe_through_sender_receives_m2m_changed(load: Load, tmp_path: Path) -> None:
    from tests.catalogue_app.models import Author, Book, Tag

    # The rule needs the model's ManyToManyField: fix a project holding the app's models.
    project = tmp_path / "project"
    project.mkdir()
    models = Path(__file__).parent / "catalogue_app" / "models.py"
    (project / "models.py").write_text(models.read_text())
    (project / "case.py").write_text(M2M_MODEL_SENDER)
    settings = Settings()
    run = check_paths([str(project)], settings)
    assert [d.code for d in run.diagnostics] == ["SIG204"]
    result = fix(run.diagnostics, run.analyses, settings, unsafe=True, others=run.others)
    [file_fix] = result.changed
    assert "sender=Book.tags.through)" in file_fix.text
    module = load(file_fix.text.replace("from models", "from tests.catalogue_app.models"))
    book = Book.objects.create(title="T", author=Author.objects.create(name="Bo"))
    book.tags.add(Tag.objects.create(name="x"))
    assert module.calls == ["pre_add", "post_add"]
