"""Cutting a module down before parsing it must not change a single fact.

Every test compares the facts of the whole module with the facts of its cut: on small
sources built to need a statement that looks irrelevant, on generated signal code mixed
with filler that binds and mentions the same names, on every fixture and example, and on
Django's own source.
"""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from signallint import discovery, pipeline, sources
from signallint.collect import collect
from signallint.facts import ModuleFacts
from signallint.slicing import cut
from tests.test_fuzz import FUZZ, identifiers, signal_modules

ROOT = Path(__file__).resolve().parent.parent

# Enough lines that no rule looks at for a cut to be worth making.
FILLER = "\n".join(
    f"def unrelated_{n}(value):\n    total = value * {n}\n    return total + {n}\n"
    for n in range(12)
)


def facts_of(
    text: str,
    path: str = "module.py",
    *,
    cut_first: bool,
    package: str | None = "shop",
    module_name: str | None = "shop.module",
) -> ModuleFacts:
    parsed = cut(text, path, module_name) if cut_first else None
    module = sources.parse(parsed.text if parsed else text)
    assert not isinstance(module, sources.Problem), module
    return collect(
        path,
        module,
        package,
        module_name,
        text,
        parsed_source=parsed.text if parsed else None,
        statement_lines=parsed.statement_lines if parsed else None,
        line_map=parsed.line_map if parsed else None,
    )


def assert_same_facts(text: str, path: str = "module.py") -> None:
    assert facts_of(text, path, cut_first=True) == facts_of(text, path, cut_first=False)


def kept_lines(text: str, path: str = "module.py") -> list[int]:
    """Line numbers (1-based) of the source that the cut keeps."""
    parsed = cut(text, path, "shop.module")
    assert parsed.line_map is not None, "cut"
    return list(parsed.line_map)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


# Each source needs a statement with nothing signal-like in it: the comment names it.
NEEDED = {
    "a def connected by name": """
        from django.db.models.signals import post_save

        def on_save(sender, **kwargs):  # needed
            pass

        {filler}
        post_save.connect(on_save)
    """,
    "an assignment that shadows an imported signal": """
        from django.db.models.signals import post_save

        {filler}
        post_save = make_signal()  # needed

        @receiver(post_save)
        def on_save(sender, **kwargs):
            pass
    """,
    "a receiver decorator imported under an alias": """
        from django.dispatch import receiver as on
        from django.db.models.signals import post_save

        {filler}
        @on(post_save)  # needed
        def handle(sender):
            pass
    """,
    "a method connected through self": """
        from django.db.models.signals import post_save

        class Handlers:
            def start(self):
                post_save.connect(self.on_save)

            {filler}
            def on_save(self, sender):  # needed
                pass
    """,
    "a signal rebound by a global statement": """
        from django.db.models.signals import post_save

        def reset():  # needed
            global post_save
            post_save = None

        {filler}
        post_save.connect(handler)
    """,
    "a model used as a sender": """
        from django.db import models
        from django.db.models.signals import m2m_changed

        class Book(models.Model):  # needed
            title = models.CharField(max_length=10)

        {filler}
        m2m_changed.connect(handler, sender=Book)
    """,
    "settings that build INSTALLED_APPS from other names": """
        LOCAL_APPS = ["shop"]  # needed

        {filler}
        INSTALLED_APPS = ["django.contrib.auth"] + LOCAL_APPS
    """,
    "a signals module imported under an alias": """
        import django.db.models.signals as hooks

        {filler}
        handler = hooks.post_sav  # needed
    """,
    "a local that a send in a function passes": """
        from shop.signals import order_placed

        def place(order):
            {filler}
            extra = {"order": order}  # needed
            {filler}
            order_placed.send(sender=None, **extra)
    """,
    "a signal rebound through global in a function that is cut": """
        from django.db.models.signals import post_save

        def reset():
            global post_save
            from shop import hooks
            {filler}
            post_save = hooks.make()  # needed

        post_save.connect(handler)
    """,
    "a method a connect names as an attribute": """
        from django.db.models.signals import post_save

        class Handlers:
            {filler}
            def on_save(self, sender):  # needed
                pass

        post_save.connect(Handlers().on_save)
    """,
    "the name a for loop binds, connected in its body": """
        from django.db.models.signals import post_save

        def connect_all(handlers):
            {filler}
            for handler in handlers:  # needed
                {filler}
                post_save.connect(handler)
    """,
    "a local bound in a try block, sent in its finally block": """
        from shop.signals import order_placed

        def pay(order):
            try:
                {filler}
                extra = {"order": order}  # needed
                {filler}
            finally:
                order_placed.send(sender=None, **extra)
    """,
    "an exception a handler binds, then connected": """
        from django.db.models.signals import post_save

        def connect_late():
            try:
                {filler}
            except Exception as error:  # needed
                post_save.connect(error.handler)
    """,
    "the name a with statement binds, sent after it": """
        from shop.signals import order_placed

        def pay(order, lock):
            with lock.held() as receipt:  # needed
                {filler}
            order_placed.send(sender=None, receipt=receipt)
    """,
    "the last name a for loop binds, connected after it": """
        from django.db.models.signals import post_save

        def connect_last(handlers):
            for handler in handlers:  # needed
                {filler}
            post_save.connect(handler)
    """,
    "a class attribute signal": """
        from django.dispatch import Signal

        class Events:
            ready = Signal()

        {filler}
        Events.ready.connect(handler)  # needed
    """,
}


def render(template: str) -> str:
    """The template with each ``{filler}`` line replaced by FILLER at its indentation."""
    lines = []
    for line in textwrap.dedent(template).lstrip("\n").splitlines():
        if line.strip() == "{filler}":
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(textwrap.indent(FILLER, indent))
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", sorted(NEEDED))
def test_statements_a_fact_depends_on_are_kept(name: str) -> None:
    text = render(NEEDED[name])
    compile(text, "module.py", "exec")
    assert_same_facts(text)
    kept = kept_lines(text)
    assert line_of(text, "# needed") in kept
    assert line_of(text, "unrelated_3") not in kept, "the filler is cut"


@pytest.mark.parametrize(
    "body",
    [
        "post_save.connect(handle)\n    {filler}\n    return handle",
        "post_save.connect(handle)\n    with lock:\n        {filler}\n        return handle",
    ],
)
def test_a_def_that_connects_a_def_of_its_own_is_kept_whole(body: str) -> None:
    # The nested def lives while its function runs, so whether anything reaches it
    # (a send, a save, a client request before the function returns, or a return
    # that keeps it) depends on every statement of the body.
    text = render(
        "from django.db.models.signals import post_save\n\n"
        "def make_handler(lock):\n"
        "    def handle(sender, **kwargs):\n"
        "        pass\n\n    " + body + "\n\n\n"
        "def unrelated_top():\n    {filler}\n\n\ndef unrelated_too():\n    {filler}\n"
    )
    compile(text, "module.py", "exec")
    assert_same_facts(text)
    kept = kept_lines(text)
    assert line_of(text, "return handle") in kept
    assert line_of(text, "unrelated_3") in kept, "the filler may send the signal"


def test_a_def_whose_body_holds_a_seed_keeps_only_what_that_needs() -> None:
    text = render(
        """
        from django.db.models.signals import post_save

        class Client:
            def request(self, **kwargs):  # a method, not the local below
                return kwargs

        def view(request):
            {filler}
            post_save.send(sender=None, request=request)
    """
    )
    assert_same_facts(text)
    kept = kept_lines(text)
    assert line_of(text, "def view") in kept
    assert line_of(text, "post_save.send") in kept
    assert line_of(text, "unrelated_3") not in kept
    assert line_of(text, "def request") not in kept


def test_a_compound_statement_keeps_its_clauses_and_what_its_blocks_need() -> None:
    text = render(
        """
        from django.db.models.signals import post_save

        def test_signal(handler):
            post_save.connect(handler)
            try:
                {filler}
            except ValueError:
                {filler}
            else:
                {filler}
            finally:
                post_save.disconnect(handler)
    """
    )
    assert_same_facts(text)
    kept = cut(text).text
    assert "unrelated_3" not in kept
    for clause in ("try:", "except ValueError:", "else:", "finally:"):
        assert clause in kept
    assert kept.count("pass") == 3, "an empty block is a pass"


@pytest.mark.parametrize(
    "compound",
    [
        "if handler:\n        {filler}\n    else: post_save.disconnect(handler)",
        "if handler:\n        {filler}\n    elif other:\n        post_save.disconnect(handler)",
        "try: post_save.disconnect(handler)\n    finally:\n        {filler}",
    ],
    ids=["a block on its clause's line", "elif", "a block on the header's line"],
)
def test_a_compound_statement_that_cannot_be_cut_stays_whole(compound: str) -> None:
    text = render(
        "from django.db.models.signals import post_save\n\n"
        f"def test_signal(handler, other):\n    {compound}\n\n{FILLER}"
    )
    compile(text, "module.py", "exec")
    assert_same_facts(text)
    kept = cut(text).text
    assert "unrelated_3(" in kept.split("def test_signal", 1)[1].split("\ndef unrelated_0")[0]


def test_a_cut_keeps_lines_whole_and_knows_where_they_were() -> None:
    text = f"import os\r\n{FILLER}\n\x0cpost_save.connect(handler)\n".replace("\n", "\r\n")
    text = text.replace("\r\r\n", "\r\n")
    parsed = cut(text)
    # Python's line breaks only (``str.splitlines`` also breaks at the form feed).
    source_lines = re.split(r"(?<=\r\n)", text)
    cut_lines = re.split(r"(?<=\r\n)", parsed.text)
    assert [line for line in cut_lines if line.strip()] == [
        "import os\r\n",
        "\x0cpost_save.connect(handler)\r\n",
    ]
    assert parsed.line_map is not None
    assert [source_lines[n - 1] for n in parsed.line_map] == cut_lines[: len(parsed.line_map)]
    assert parsed.line_map[-1] == text.count("\n")


def test_an_empty_class_body_becomes_pass() -> None:
    text = (
        "class Model:\n"
        '    """A docstring."""\n'
        + textwrap.indent(FILLER, "    ")
        + "\npost_save.connect(handler, sender=Model)\n"
    )
    lines = cut(text).text.splitlines()
    assert lines[:2] == ["class Model:", "    pass"]
    assert_same_facts(text)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("module.py", "def broken(:\n    pass\n"),
        ("module.py", "post_save.connect(a)\npost_save.connect(b)\npost_save.connect(c)\nx = 1\n"),
    ],
    ids=["syntax error", "most lines kept"],
)
def test_what_is_parsed_whole(path: str, text: str) -> None:
    assert cut(text, path, None).text == text


APP_CONFIGS = (
    "from django.apps import AppConfig\n\n\n"
    "class ShopConfig(AppConfig):\n"
    '    name = "shop"\n'
    "    if True:\n"
    "        default = True\n"
    "\n"
    "    def get_urls(self):\n"
    "        urls = [1, 2, 3]\n"
    "        return urls\n"
    "\n"
    "    def ready(self):\n"
    "        from . import signals  # noqa: F401\n"
    "\n\n"
    "class Plain:\n"
    "    label = 'plain'\n\n\n"
    "try:\n"
    "    class Fallback(Plain):\n"
    "        label = 'fallback'\n"
    "except ImportError:\n"
    "    pass\n\n\n" + FILLER
)


@pytest.mark.parametrize("path", ["shop/apps.py", "shop/configs.py"])
def test_an_app_config_keeps_its_body_but_not_its_method_bodies(path: str) -> None:
    """The collector reads an AppConfig's bases, assignments and method names, and what
    its methods import or connect; the rest of their bodies is left out."""
    kept = cut(APP_CONFIGS, path, path[:-3].replace("/", ".")).text
    for needed in ['name = "shop"', "default = True", "def get_urls(self):", "import signals"]:
        assert needed in kept
    assert "urls = [1, 2, 3]" not in kept
    assert "unrelated_1" not in kept
    # In an apps module every class may be an AppConfig (its base may be one).
    assert ("label = 'plain'" in kept) is path.endswith("apps.py")
    # A class with bases may be a model (facts.ModelClass): the ``try`` that defines one
    # is kept whole.
    assert "label = 'fallback'" in kept
    assert_same_facts(APP_CONFIGS, path)


filler_statements = st.builds(
    lambda name, other, kind: {
        "def": f"def {name}({other}=None):\n    return {other}\n",
        "class": f"class {name}:\n    {other} = 1\n    def method(self):\n        return {other}\n",
        "assign": f"{name} = {other}\n",
        "for": f"for {name} in range(3):\n    pass\n",
        "global": f"def set_{name}():\n    global {other}\n    {other} = 1\n",
    }[kind],
    identifiers,
    identifiers,
    st.sampled_from(["def", "class", "assign", "for", "global"]),
)


@FUZZ
@given(signal_modules(), st.lists(filler_statements, min_size=1, max_size=12), st.randoms())
def test_generated_signal_code_with_filler(source: str, filler: list[str], order: object) -> None:
    blocks = source.split("\n\n") + filler + [FILLER]
    order.shuffle(blocks)  # type: ignore[attr-defined]
    text = "\n".join(block.rstrip("\n") + "\n" for block in blocks)
    try:
        compile(text, "module.py", "exec")
    except SyntaxError:
        assume(False)  # the grammar can repeat a parameter: not a module to cut
    assert_same_facts(text)


def python_files(*trees: Path) -> list[str]:
    found = [discovery.discover([str(tree)], ()) for tree in trees]
    return [path for paths in found for path, problem in paths if not problem]


def assert_same_facts_for_files(paths: list[str]) -> int:
    """Facts of every file a run would parse, whole and cut; how many were compared."""
    compared = 0
    for path in paths:
        data = Path(path).read_bytes()
        relevant = pipeline.default_prefilter().first_pass(data)
        if not (relevant or sources.matters_for_wiring(path, data)):
            continue
        decoded = sources.decode(data)
        if isinstance(decoded, sources.Problem):
            continue
        if isinstance(sources.parse(decoded.text), sources.Problem):
            continue
        package, module_name = sources.package_of(path), sources.module_name_of(path)
        whole, facts = (
            facts_of(
                decoded.text, path, cut_first=cut_first, package=package, module_name=module_name
            )
            for cut_first in (False, True)
        )
        assert facts == whole, path
        compared += 1
    return compared


def test_fixtures_and_examples_give_the_same_facts_cut() -> None:
    paths = python_files(ROOT / "tests" / "fixtures", ROOT / "examples")
    assert assert_same_facts_for_files(paths) > 50


def test_djangos_source_gives_the_same_facts_cut() -> None:
    django = pytest.importorskip("django")
    paths = python_files(Path(os.path.dirname(django.__file__)))
    assert assert_same_facts_for_files(paths) > 40


def test_positions_do_not_depend_on_libcsts_internals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Positions come from LibCST's position-recording code generator, driven directly;
    should its shape change, the public MetadataWrapper route must give the same."""
    from signallint.collect import spans

    paths = python_files(ROOT / "tests" / "fixtures" / "rules")
    direct = [pipeline.analyse_file(path).facts for path in paths]

    class ChangedShape:
        def __init__(self) -> None:
            raise AttributeError("the code generator wants something else")

    monkeypatch.setattr(spans, "_PositionSink", ChangedShape)
    assert [pipeline.analyse_file(path).facts for path in paths] == direct
    assert any(facts.connections for facts in direct)
