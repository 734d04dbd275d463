"""Fixes, one rule at a time: exact before/after pairs, and code that must stay as it is.

Every "after" is checked to parse and compile, to be clean for the fixed rule, and to be
left alone by a second run (idempotence). No-op cases assert that no edit at all is
produced, not only that the text comes back equal.
"""

from __future__ import annotations

import re
import textwrap
import typing
from pathlib import Path

import pytest

import signallint.fixes.planners
from signallint import check_source
from signallint.catalogue import SUPPORTED_VERSIONS
from signallint.fixer import FixResult, apply_edits, fix_source
from signallint.fixes import Action, AddVarKeyword, Replace
from signallint.fixes.code import TextEdit
from signallint.fixes.files import unified_diff
from signallint.fixes.planning import PLANNER_MODULES, Planner, all_planners, planner
from signallint.rules import Fix, Rule, all_rules
from signallint.settings import Settings
from tests.test_rule_docs import examples

PATH = "example.py"


def run(source: str | bytes, *, unsafe: bool = False, select: str = "SIG") -> FixResult:
    settings = Settings(select=(select,))
    return fix_source(source, PATH, settings, unsafe=unsafe)


def fixed(source: str, *, unsafe: bool = False, select: str = "SIG") -> str:
    """The fixed source; it compiles, and fixing it again changes nothing."""
    result = run(source, unsafe=unsafe, select=select)
    text = result.files[0].text if result.files else source
    compile(text, PATH, "exec")
    again = run(text, unsafe=unsafe, select=select)
    assert not again.changed, "a second run changed the code again"
    return text


def assert_fixed(before: str, after: str, *, unsafe: bool = False, select: str = "SIG") -> None:
    before, after = textwrap.dedent(before), textwrap.dedent(after)
    assert fixed(before, unsafe=unsafe, select=select) == after


def assert_noop(source: str, *, unsafe: bool = True, select: str = "SIG") -> None:
    """Nothing is edited (the problem, if any, stays reported)."""
    result = run(textwrap.dedent(source), unsafe=unsafe, select=select)
    assert result.changed == []
    assert result.fixed == 0


HEAD = """\
from django.db.models.signals import post_save
from django.dispatch import receiver


"""

# -- SIG001: add **kwargs ------------------------------------------------------------

SIG001_CASES = [
    pytest.param(
        "@receiver(post_save)\ndef on_save(sender, instance, created):\n    pass\n",
        "@receiver(post_save)\ndef on_save(sender, instance, created, **kwargs):\n    pass\n",
        id="simple",
    ),
    pytest.param(
        "@receiver(post_save)\ndef on_save():\n    pass\n",
        "@receiver(post_save)\ndef on_save(**kwargs):\n    pass\n",
        id="no-parameters",
    ),
    pytest.param(
        "@receiver(post_save)\ndef on_save(*args):\n    pass\n",
        "@receiver(post_save)\ndef on_save(*args, **kwargs):\n    pass\n",
        id="var-positional",
    ),
    pytest.param(
        "@receiver(post_save)\ndef on_save(sender, *, instance):\n    pass\n",
        "@receiver(post_save)\ndef on_save(sender, *, instance, **kwargs):\n    pass\n",
        id="keyword-only",
    ),
    pytest.param(
        "@receiver(post_save)\ndef on_save(sender=None, /):\n    pass\n",
        "@receiver(post_save)\ndef on_save(sender=None, /, **kwargs):\n    pass\n",
        id="positional-only-marker-last",
    ),
    pytest.param(
        "@receiver(post_save)\ndef on_save(sender, instance, created=(False)):\n    pass\n",
        "@receiver(post_save)\ndef on_save(sender, instance, created=(False), **kwargs):\n"
        "    pass\n",
        id="parenthesized-default",
    ),
    pytest.param(
        "@receiver(post_save)\ndef on_save(sender: type, instance: object) -> None:\n    pass\n",
        "@receiver(post_save)\n"
        "def on_save(sender: type, instance: object, **kwargs: object) -> None:\n    pass\n",
        id="annotated-gets-annotated-kwargs",
    ),
    pytest.param(
        "@receiver(post_save)\ndef on_save(sender: type, instance) -> None:\n    pass\n",
        "@receiver(post_save)\ndef on_save(sender: type, instance, **kwargs) -> None:\n    pass\n",
        id="partly-annotated",
    ),
    pytest.param(
        "@receiver(post_save)\n"
        "def on_save(\n"
        "    sender,\n"
        "    instance,  # the saved object\n"
        "):\n"
        "    pass\n",
        "@receiver(post_save)\n"
        "def on_save(\n"
        "    sender,\n"
        "    instance,  # the saved object\n"
        "    **kwargs,\n"
        "):\n"
        "    pass\n",
        id="multi-line-trailing-comma-comment",
    ),
    pytest.param(
        "@receiver(post_save)\ndef on_save(sender,\n            instance):  # keep me\n    pass\n",
        "@receiver(post_save)\n"
        "def on_save(sender,\n"
        "            instance, **kwargs):  # keep me\n"
        "    pass\n",
        id="multi-line-no-trailing-comma",
    ),
    pytest.param(
        "@receiver(post_save)\ndef on_save(sender, instance  # why\n            ):\n    pass\n",
        "@receiver(post_save)\n"
        "def on_save(sender, instance, **kwargs  # why\n"
        "            ):\n"
        "    pass\n",
        id="comment-before-closing-paren",
    ),
    pytest.param(
        "@receiver(post_save)\ndef on_save(sender, instance,):\n    pass\n",
        "@receiver(post_save)\ndef on_save(sender, instance, **kwargs,):\n    pass\n",
        id="single-line-trailing-comma",
    ),
    pytest.param(
        "@receiver(post_save)\n"
        "def on_save(sender, instance):\n"
        "    kwargs = {'pk': instance.pk}\n"
        "    return kwargs\n",
        "@receiver(post_save)\n"
        "def on_save(sender, instance, **_kwargs):\n"
        "    kwargs = {'pk': instance.pk}\n"
        "    return kwargs\n",
        id="kwargs-name-taken",
    ),
    pytest.param(
        "@receiver(post_save)\nasync def on_save(sender, instance):\n    pass\n",
        "@receiver(post_save)\nasync def on_save(sender, instance, **kwargs):\n    pass\n",
        id="async",
    ),
    pytest.param(
        "post_save.connect(lambda sender, instance: None, weak=False)\n",
        "post_save.connect(lambda sender, instance, **kwargs: None, weak=False)\n",
        id="lambda",
    ),
    pytest.param(
        "post_save.connect((lambda: None), weak=False)\n",
        "post_save.connect((lambda **kwargs: None), weak=False)\n",
        id="lambda-without-parameters",
    ),
    pytest.param(
        "class Audit:\n"
        "    def on_save(self, sender, instance):\n"
        "        pass\n"
        "\n"
        "    def connect(self):\n"
        "        post_save.connect(self.on_save)\n",
        "class Audit:\n"
        "    def on_save(self, sender, instance, **kwargs):\n"
        "        pass\n"
        "\n"
        "    def connect(self):\n"
        "        post_save.connect(self.on_save)\n",
        id="bound-method",
    ),
    pytest.param(
        "if True:\n\t@receiver(post_save)\n\tdef on_save(sender,\n\t\tinstance,\n\t):\n\t\tpass\n",
        "if True:\n\t@receiver(post_save)\n\tdef on_save(sender,\n\t\tinstance,\n\t\t**kwargs,\n"
        "\t):\n\t\tpass\n",
        id="tabs",
    ),
]


@pytest.mark.parametrize(("before", "after"), SIG001_CASES)
def test_sig001_adds_kwargs(before: str, after: str) -> None:
    assert_fixed(HEAD + before, HEAD + after, select="SIG001")


def test_sig001_keeps_crlf_line_endings() -> None:
    before = HEAD + "@receiver(post_save)\ndef on_save(\n    sender,\n    instance,\n):\n    pass\n"
    crlf = before.replace("\n", "\r\n")
    after = fixed(crlf, select="SIG001")
    assert after == crlf.replace("    instance,\r\n", "    instance,\r\n    **kwargs,\r\n")
    assert "\n" not in after.replace("\r\n", "")


def test_sig001_keeps_a_latin_1_coding_cookie() -> None:
    source = (
        "# -*- coding: latin-1 -*-\n" + HEAD + "@receiver(post_save)\n"
        "def on_save(sender, instance):  # café\n    pass\n"
    ).encode("latin-1")
    result = run(source, select="SIG001")
    [file_fix] = result.files
    assert file_fix.encoding == "iso-8859-1"
    assert file_fix.data == source.replace(b"instance)", b"instance, **kwargs)")
    assert "café".encode("latin-1") in file_fix.data


def test_sig001_keeps_a_byte_order_mark() -> None:
    source = b"\xef\xbb\xbf" + (HEAD + "@receiver(post_save)\ndef f(sender):\n    pass\n").encode()
    [file_fix] = run(source, select="SIG001").files
    assert file_fix.data == source.replace(b"(sender)", b"(sender, **kwargs)")


SIG001_NOOP = [
    pytest.param("@receiver(post_save)\ndef on_save(sender, **kwargs):\n    pass\n", id="clean"),
    pytest.param(
        "@receiver(post_save)\ndef on_save(sender, instance):  # noqa: SIG001\n    pass\n",
        id="noqa",
    ),
    pytest.param(
        "@receiver(post_save)\n"
        "def on_save(sender, instance):\n"
        "    kwargs = _kwargs = extra_kwargs = 1\n",
        id="every-kwargs-name-taken",
    ),
]


@pytest.mark.parametrize("source", SIG001_NOOP)
def test_sig001_noop(source: str) -> None:
    assert_noop(HEAD + source, select="SIG001")


def test_no_edit_is_planned_for_a_function_that_has_kwargs() -> None:
    source = HEAD + "@receiver(post_save)\ndef on_save(sender, **kwargs):\n    pass\n"
    planner = Planner(source)
    line = source.splitlines().index("def on_save(sender, **kwargs):") + 1
    from signallint.facts import Span

    assert planner.edits(AddVarKeyword(Span(line, 4, line, 11))) is None


# -- SIG103: a misspelled or misplaced receiver import --------------------------------

SIG103_CASES = [
    pytest.param(
        """\
        from django.db.models.signals import post_save
        from django.dispatch import reciver


        @reciver(post_save)
        def on_save(sender, **kwargs):
            pass


        @reciver(post_save, sender=None)
        def on_other(sender, **kwargs):
            pass
        """,
        """\
        from django.db.models.signals import post_save
        from django.dispatch import receiver


        @receiver(post_save)
        def on_save(sender, **kwargs):
            pass


        @receiver(post_save, sender=None)
        def on_other(sender, **kwargs):
            pass
        """,
        id="misspelled-and-its-decorators",
    ),
    pytest.param(
        """\
        from django.db.models.signals import post_save
        from django.dispatch import reciever as on


        @on(post_save)
        def on_save(sender, **kwargs):
            pass
        """,
        """\
        from django.db.models.signals import post_save
        from django.dispatch import receiver as on


        @on(post_save)
        def on_save(sender, **kwargs):
            pass
        """,
        id="aliased",
    ),
    pytest.param(
        """\
        from django import dispatch
        from django.db.models.signals import post_save


        @dispatch.reciever(post_save)
        def on_save(sender, **kwargs):
            pass
        """,
        """\
        from django import dispatch
        from django.db.models.signals import post_save


        @dispatch.receiver(post_save)
        def on_save(sender, **kwargs):
            pass
        """,
        id="attribute",
    ),
    pytest.param(
        """\
        from django.db.models.signals import post_save, receiver
        from django.dispatch import Signal
        """,
        """\
        from django.db.models.signals import post_save
        from django.dispatch import Signal, receiver
        """,
        id="wrong-module-merged",
    ),
    pytest.param(
        """\
        from django.db.models.signals import receiver
        """,
        """\
        from django.dispatch import receiver
        """,
        id="wrong-module-in-place",
    ),
    pytest.param(
        """\
        from django.db.models.signals import post_save
        from django.dispatch import reciver


        @reciver(post_save)
        def on_save(sender, instance):
            pass
        """,
        """\
        from django.db.models.signals import post_save
        from django.dispatch import receiver


        @receiver(post_save)
        def on_save(sender, instance, **kwargs):
            pass
        """,
        id="reveals-a-receiver-whose-fix-is-safe-too",
    ),
]


@pytest.mark.parametrize(("before", "after"), SIG103_CASES)
def test_sig103_fixes_the_receiver_import(before: str, after: str) -> None:
    assert_fixed(before, after)


SIG103_NOOP = [
    pytest.param(
        """\
        from django.dispatch import reciver

        def make():
            reciver = object()
            return reciver
        """,
        id="name-rebound-in-a-function",
    ),
    pytest.param(
        """\
        from django.dispatch import reciver

        def connect(receiver):
            return receiver
        """,
        id="receiver-already-a-name",
    ),
    pytest.param(
        """\
        from django.dispatch import reciver
        from django.dispatch import reciver
        """,
        id="imported-twice",
    ),
    pytest.param("from django.dispatch import receiver\n", id="clean"),
]


@pytest.mark.parametrize("source", SIG103_NOOP)
def test_sig103_noop(source: str) -> None:
    assert_noop(source)


def test_sig103_fix_refused_when_it_reveals_a_problem_it_cannot_fix() -> None:
    source = textwrap.dedent(
        """\
        from django.db.models.signals import pre_save
        from django.dispatch import reciver


        @reciver(pre_save)
        def on_pre_save(sender, instance, created, **kwargs):
            pass
        """
    )
    result = run(source)
    assert result.changed == []
    [refusal] = result.refusals
    assert refusal.diagnostic.code == "SIG103"
    assert refusal.line().startswith("example.py:2:29: SIG103 fix not applied: it would introduce")
    assert "SIG002" in refusal.reason


# -- SIG102: a signal imported from the wrong module ------------------------------

SIG102_CASES = [
    pytest.param(
        "from django.db.models.signals import request_finished\n",
        "from django.core.signals import request_finished\n",
        id="in-place",
    ),
    pytest.param(
        "from django.core.signals import request_started\n"
        "from django.db.models.signals import request_finished\n",
        "from django.core.signals import request_started, request_finished\n",
        id="merged-into-an-existing-import",
    ),
    pytest.param(
        "from django.db.models.signals import request_finished as done\n"
        "from django.core.signals import request_started\n",
        "from django.core.signals import request_started, request_finished as done\n",
        id="alias-kept-merged-upwards",
    ),
    pytest.param(
        "from django.core.signals import (\n"
        "    got_request_exception,\n"
        "    request_started,\n"
        ")\n"
        "from django.db.models.signals import post_save, request_finished\n",
        "from django.core.signals import (\n"
        "    got_request_exception,\n"
        "    request_started,\n"
        "    request_finished,\n"
        ")\n"
        "from django.db.models.signals import post_save\n",
        id="parenthesized-target-and-source-keeps-others",
    ),
    pytest.param(
        "from django.db.models.signals import post_save, request_finished\n",
        "from django.db.models.signals import post_save\n"
        "from django.core.signals import request_finished\n",
        id="new-line-below",
    ),
    pytest.param(
        "from django.core.signals import request_started\n"
        "from django.db.models.signals import request_finished  # on each request\n",
        "from django.core.signals import request_started\n"
        "from django.core.signals import request_finished  # on each request\n",
        id="comment-kept-by-rewriting-in-place",
    ),
    pytest.param(
        "from django.core.signals import request_started\n"
        "request_started.connect(print)\n"
        "from django.db.models.signals import request_finished\n",
        "from django.core.signals import request_started\n"
        "request_started.connect(print)\n"
        "from django.core.signals import request_finished\n",
        id="not-merged-across-code",
    ),
]


@pytest.mark.parametrize(("before", "after"), SIG102_CASES)
def test_sig102_imports_from_the_right_module(before: str, after: str) -> None:
    assert_fixed(before, after, select="SIG1")


def test_sig102_crlf() -> None:
    before = "from django.db.models.signals import post_save, request_finished\r\n"
    after = (
        "from django.db.models.signals import post_save\r\n"
        "from django.core.signals import request_finished\r\n"
    )
    assert fixed(before, select="SIG1") == after


def test_sig102_noop_for_attribute_lookups() -> None:
    assert_noop("from django.db.models import signals\n\nsignals.request_finished.connect(f)\n")


# -- SIG209: providing_args ----------------------------------------------------------

SIG209_CASES = [
    pytest.param(
        'order_paid = Signal(providing_args=["order", "amount"])\n',
        "order_paid = Signal()  # providing_args: order, amount\n",
        id="simple",
    ),
    pytest.param(
        "order_paid = Signal(use_caching=True, providing_args=('order',))\n",
        "order_paid = Signal(use_caching=True)  # providing_args: order\n",
        id="other-argument-kept",
    ),
    pytest.param(
        'order_paid = Signal(providing_args=["order"])  # sent by pay()\n',
        "# providing_args: order\norder_paid = Signal()  # sent by pay()\n",
        id="line-has-a-comment",
    ),
    pytest.param(
        'order_paid = Signal(\n    use_caching=True,\n    providing_args=["order", "amount"],\n)\n',
        "order_paid = Signal(\n    use_caching=True,\n)  # providing_args: order, amount\n",
        id="multi-line",
    ),
    pytest.param(
        "order_paid = Signal(providing_args=[])\n",
        "order_paid = Signal()\n",
        id="empty",
    ),
    pytest.param(
        "class Signals:\n    paid = Signal(providing_args=['order'])\n",
        "class Signals:\n    paid = Signal()  # providing_args: order\n",
        id="class-attribute",
    ),
]


@pytest.mark.parametrize(("before", "after"), SIG209_CASES)
def test_sig209_drops_providing_args(before: str, after: str) -> None:
    head = "from django.dispatch import Signal\n\n"
    assert_fixed(head + before, head + after, select="SIG209")


SIG209_NOOP = [
    pytest.param("order_paid = Signal(providing_args=ARGS)\n", id="not-a-literal"),
    pytest.param(
        'order_paid = Signal(providing_args=[\n    "order",  # the Order\n])\n',
        id="comment-inside",
    ),
    pytest.param('order_paid = Signal(providing_args=[f"{x}"])\n', id="f-string"),
]


@pytest.mark.parametrize("source", SIG209_NOOP)
def test_sig209_noop(source: str) -> None:
    assert_noop("from django.dispatch import Signal\n\n" + source, select="SIG209")


# -- SIG002 (unsafe): a misspelled parameter -----------------------------------------

SIG002_CASES = [
    pytest.param(
        "@receiver(post_save)\n"
        "def on_save(sender, instnace, **kwargs):\n"
        '    print(instnace.pk, f"{instnace}", [instnace for _ in ()])\n'
        "    def inner():\n"
        "        return instnace\n"
        "    return inner, kwargs.get('instnace'), sender.instnace\n",
        "@receiver(post_save)\n"
        "def on_save(sender, instance, **kwargs):\n"
        '    print(instance.pk, f"{instance}", [instance for _ in ()])\n'
        "    def inner():\n"
        "        return instance\n"
        "    return inner, kwargs.get('instnace'), sender.instnace\n",
        id="parameter-and-uses",
    ),
    pytest.param(
        "post_save.connect(lambda sender, instnace, **kwargs: instnace, weak=False)\n",
        "post_save.connect(lambda sender, instance, **kwargs: instance, weak=False)\n",
        id="lambda",
    ),
]


@pytest.mark.parametrize(("before", "after"), SIG002_CASES)
def test_sig002_renames_with_unsafe_fixes(before: str, after: str) -> None:
    assert_noop(HEAD + before, unsafe=False, select="SIG002")
    assert_fixed(HEAD + before, HEAD + after, unsafe=True, select="SIG002")


SIG002_NOOP = [
    pytest.param(
        "@receiver(post_save)\ndef on_save(sender, instnace, **kwargs):\n    return instance\n",
        id="target-name-already-used",
    ),
    pytest.param(
        "@receiver(post_save)\n"
        "def on_save(sender, instnace, **kwargs):\n"
        "    def inner(instnace):\n"
        "        return instnace\n"
        "    return inner(instnace)\n",
        id="rebound-in-a-nested-function",
    ),
    pytest.param(
        "@receiver(post_save)\n"
        "def on_save(sender, instnace, **kwargs):\n"
        "    x: 'instnace' = 1\n"
        "    return instnace\n",
        id="string-annotation",
    ),
    pytest.param(
        "@receiver(post_save)\n"
        "def on_save(sender, instnace, **kwargs):\n"
        "    instnace = instnace or None\n",
        id="reassigned",
    ),
    pytest.param(
        "@receiver(post_save)\ndef on_save(sender, user, **kwargs):\n    pass\n",
        id="no-close-name",
    ),
]


@pytest.mark.parametrize("source", SIG002_NOOP)
def test_sig002_noop(source: str) -> None:
    assert_noop(HEAD + source, select="SIG002")


def test_sig002_noop_when_two_names_are_close() -> None:
    source = textwrap.dedent(
        """\
        from django.dispatch import Signal, receiver

        paid = Signal()


        def pay():
            paid.send(sender=None, order=1, orders=2)


        @receiver(paid)
        def on_paid(sender, ordr, **kwargs):
            pass
        """
    )
    assert_noop(source, select="SIG002")


# -- SIG201 (unsafe): weak=False -----------------------------------------------------

SIG201_CASES = [
    pytest.param(
        "post_save.connect(lambda sender, **kwargs: None)\n",
        "post_save.connect(lambda sender, **kwargs: None, weak=False)\n",
        id="lambda",
    ),
    pytest.param(
        "post_save.connect(lambda sender, **kwargs: None, weak=True)\n",
        "post_save.connect(lambda sender, **kwargs: None, weak=False)\n",
        id="weak-true",
    ),
    pytest.param(
        "post_save.connect(lambda sender, **kwargs: None, None, True)\n",
        "post_save.connect(lambda sender, **kwargs: None, None, False)\n",
        id="weak-positional",
    ),
    pytest.param(
        "post_save.connect(\n    lambda sender, **kwargs: None,\n    sender=None,\n)\n",
        "post_save.connect(\n    lambda sender, **kwargs: None,\n    sender=None,\n"
        "    weak=False,\n)\n",
        id="multi-line",
    ),
    pytest.param(
        "def setup():\n"
        "    @receiver(post_save)\n"
        "    def on_save(sender, **kwargs):\n"
        "        pass\n",
        "def setup():\n"
        "    @receiver(post_save, weak=False)\n"
        "    def on_save(sender, **kwargs):\n"
        "        pass\n",
        id="closure-decorator",
    ),
]


@pytest.mark.parametrize(("before", "after"), SIG201_CASES)
def test_sig201_passes_weak_false_with_unsafe_fixes(before: str, after: str) -> None:
    assert_noop(HEAD + before, unsafe=False, select="SIG201")
    assert_fixed(HEAD + before, HEAD + after, unsafe=True, select="SIG201")


def test_sig201_noop_with_options_mapping() -> None:
    assert_noop(HEAD + "post_save.connect(lambda sender, **kwargs: None, **options)\n")


# -- SIG204 (unsafe): the intermediate model -----------------------------------------

PIZZA = """\
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver


class Pizza(models.Model):
    toppings = models.ManyToManyField("Topping")
{extra}

@receiver(m2m_changed, sender=Pizza)
def toppings_changed(sender, **kwargs):
    pass
"""


def test_sig204_uses_the_through_model_with_unsafe_fixes() -> None:
    before = PIZZA.format(extra="")
    after = before.replace("sender=Pizza)", "sender=Pizza.toppings.through)")
    assert_noop(before, unsafe=False, select="SIG204")
    assert_fixed(before, after, unsafe=True, select="SIG204")


def test_sig204_noop_with_two_m2m_fields() -> None:
    extra = '    sauces = models.ManyToManyField("Sauce")\n'
    assert_noop(PIZZA.format(extra=extra), select="SIG204")


# -- mechanics -----------------------------------------------------------------------


def test_overlapping_fixes_are_applied_over_several_rounds() -> None:
    # SIG001 appends after `instnace`; SIG002 renames it: both fixed, over two rounds.
    before = HEAD + "@receiver(post_save)\ndef on_save(sender, instnace):\n    return instnace\n"
    after = (
        HEAD + "@receiver(post_save)\ndef on_save(sender, instance, **kwargs):\n"
        "    return instance\n"
    )
    assert fixed(before, unsafe=True) == after


def test_a_fix_that_would_not_parse_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Planner, action: object) -> tuple[TextEdit, ...]:
        return (TextEdit(0, 0, "def ("),)

    monkeypatch.setattr(Planner, "edits", broken)
    source = HEAD + "@receiver(post_save)\ndef on_save(sender):\n    pass\n"
    result = run(source)
    assert result.changed == []
    [refusal] = result.refusals
    assert refusal.reason == "the fixed code would not parse"
    assert refusal.line().startswith("example.py:6:5: SIG001 fix not applied:")


def test_a_fix_that_would_not_compile_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    source = HEAD + "@receiver(post_save)\ndef on_save(sender):\n    pass\n"
    position = source.index("sender)") + len("sender")

    def duplicate(self: Planner, action: object) -> tuple[TextEdit, ...]:
        return (TextEdit(position, position, ", sender, **kwargs"),)

    monkeypatch.setattr(Planner, "edits", duplicate)
    [refusal] = run(source).refusals
    assert refusal.reason.startswith("the fixed code would not compile (duplicate argument")


def test_a_fix_that_leaves_the_problem_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def useless(self: Planner, action: object) -> tuple[TextEdit, ...]:
        return (TextEdit(0, 0, "# nothing\n"),)

    monkeypatch.setattr(Planner, "edits", useless)
    source = HEAD + "@receiver(post_save)\ndef on_save(sender):\n    pass\n"
    [refusal] = run(source).refusals
    assert refusal.reason == "the problem would still be reported after the fix"


def test_a_file_that_does_not_parse_is_never_touched() -> None:
    result = run(HEAD + "@receiver(post_save)\ndef on_save(sender):\n    pass\ndef (\n")
    assert result.files == [] and result.refusals == []


def test_edits_apply_back_to_front() -> None:
    edits = [TextEdit(0, 1, "A"), TextEdit(2, 2, "_"), TextEdit(3, 4, "")]
    assert apply_edits("abcd", edits) == "Ab_c"


def test_every_action_type_has_one_planner_in_a_module_named_after_it() -> None:
    """A new kind of fix action fails here until its planner module is written and listed."""
    planners = all_planners()
    assert set(planners) == set(typing.get_args(Action))
    for action_type, plan in planners.items():
        module = re.sub(r"(?<!^)(?=[A-Z])", "_", action_type.__name__).lower()
        assert plan.__module__ == f"signallint.fixes.planners.{module}"
    folder = Path(signallint.fixes.planners.__file__).parent
    assert {p.stem for p in folder.glob("*.py")} - {"__init__"} == set(PLANNER_MODULES)


def test_a_second_planner_for_an_action_type_is_refused() -> None:
    all_planners()
    with pytest.raises(ValueError, match="a second planner for Replace"):
        planner(Replace)(lambda action, code: None)


def test_unified_diff_marks_a_missing_final_newline() -> None:
    diff = unified_diff("x.py", "a\nb", "a\nc")
    assert diff.splitlines() == [
        "--- x.py",
        "+++ x.py",
        "@@ -1,2 +1,2 @@",
        " a",
        "-b",
        "\\ No newline at end of file",
        "+c",
        "\\ No newline at end of file",
    ]


def test_fixed_code_is_clean_for_the_fixed_rules() -> None:
    source = HEAD + "@receiver(post_save)\ndef on_save(sender, instance):\n    pass\n"
    text = fixed(source)
    assert check_source(text, PATH) == []


FIXABLE = [r for r in all_rules() if r.fix is not Fix.NONE]


@pytest.mark.parametrize("rule", FIXABLE, ids=[r.code for r in FIXABLE])
def test_documented_example_fixes_carry_the_registry_applicability(rule: Rule) -> None:
    """Offered fixes are as safe as the registry says, and fix the documented example."""
    bad, _ = examples(rule.doc)
    version = next(v for v in SUPPORTED_VERSIONS if rule.applies_to(v))
    settings = Settings(django_version=version, select=(rule.code,))
    offered = [d.fix for d in check_source(bad, PATH, settings) if d.fix is not None]
    assert {f.applicability.value for f in offered} <= {rule.fix.value}
    if not offered:
        assert rule.code == "SIG002"  # `created` on pre_save: no close name to rename to
        return
    result = fix_source(bad, PATH, settings, unsafe=True)
    [file_fix] = result.files
    assert check_source(file_fix.text, PATH, settings) == []


def test_a_fix_that_changes_another_file_is_found_and_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are re-checked on their own, the project once at the end; a problem that
    appears elsewhere sends every file through the whole-project re-check, which finds
    the fix to blame."""
    import signallint.fixer
    from signallint import check_paths
    from signallint.diagnostics import Diagnostic
    from signallint.facts import Span
    from signallint.fixer import fix

    (tmp_path / "a.py").write_text(HEAD + "@receiver(post_save)\ndef on_save(sender):\n    pass\n")
    (tmp_path / "b.py").write_text(HEAD + "@receiver(post_save)\ndef other(sender):\n    pass\n")
    real_run_rules = signallint.fixer.run_rules
    whole_checks = []

    def run_rules(analyses, settings, **options):  # type: ignore[no-untyped-def]
        found = real_run_rules(analyses, settings, **options)
        paths = {a.facts.path for a in analyses}
        every = [*analyses, *options.get("others", ())]
        a_fixed = any("on_save(sender, **kwargs)" in (x.text or "") for x in every)
        b_path = str(tmp_path / "b.py")
        if len(paths) > 1:
            whole_checks.append(a_fixed)
        if a_fixed and b_path in paths:  # "fixing a.py makes b.py report something"
            found.append(Diagnostic(b_path, "SIG214", "x", "appeared in b.py", Span(1, 0, 1, 0)))
        return found

    monkeypatch.setattr(signallint.fixer, "run_rules", run_rules)
    settings = Settings()
    run = check_paths([str(tmp_path)], settings)
    result = fix(run.diagnostics, run.analyses, settings, others=run.others, root=run.root)
    a_refusals = [r for r in result.refusals if r.diagnostic.path.endswith("a.py")]
    assert [r.reason for r in a_refusals] == ["it would introduce SIG214 (appeared in b.py)"]
    assert [f.path for f in result.changed] == [str(tmp_path / "b.py")]
    assert True in whole_checks  # the fast pass saw it, the whole-project pass blamed a.py
