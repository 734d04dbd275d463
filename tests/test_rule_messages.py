"""Every message a rule gives comes from one of the templates it declares.

A rule's summary (``signallint rules``, the README) is its first :class:`Message`, so what
the rules say about themselves and what they report cannot drift apart as long as every
finding formats a declared template. Checked on every rule fixture, every fixture project
and the example project.
"""

from __future__ import annotations

import re
import string
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from signallint import check_paths, check_source
from signallint.diagnostics import Diagnostic
from signallint.rules import Message, Rule, all_rules
from signallint.settings import Settings, load_settings
from tests.helpers import FIXTURES
from tests.test_rules_fixtures import fixture_settings

ROOT = Path(__file__).parent.parent
RULES = {rule.code: rule for rule in all_rules()}


def pattern(message: Message) -> re.Pattern[str]:
    """What the template's messages look like: its text, with any text for each field
    (the same text each time a field comes back)."""
    parts = []
    fields: set[str] = set()
    for text, field, _spec, _conversion in string.Formatter().parse(message.template):
        parts.append(re.escape(text))
        if field is not None:
            parts.append(f"(?P={field})" if field in fields else f"(?P<{field}>.+)")
            fields.add(field)
    return re.compile("".join(parts), re.DOTALL)


def templates_of(rule: Rule, message: str) -> set[Message]:
    return {m for m in rule.messages if pattern(m).fullmatch(message)}


# Messages the fixtures do not give: (Django version, source) of a module, or the files of
# a project (which has a ``manage.py``).
MODULES = [
    (None, "from django.db.models.signals import zzz\n"),
    ((5, 2), "from django.tasks.signals import task_finished\n"),
    (
        None,
        """
        from django.db import models
        from django.db.models.signals import m2m_changed


        class Pizza(models.Model):
            toppings = models.ManyToManyField("Topping")
            sauces = models.ManyToManyField("Sauce")


        def on_change(sender, **kwargs):
            pass


        m2m_changed.connect(on_change, sender=Pizza)
        """,
    ),
]
APPS = "from django.apps import AppConfig\n\n\n"
PROJECTS = [
    {
        "mysite/settings.py": 'INSTALLED_APPS = ["shop"]\n',
        "shop/apps.py": APPS + "class A(AppConfig):\n    default = True\n\n\n"
        "class B(AppConfig):\n    default = True\n",
        "shop/__init__.py": 'default_app_config = "shop.apps.A"\n',
    },
    {
        "mysite/settings.py": 'INSTALLED_APPS = ["shop"]\n',
        "shop/apps.py": APPS + "class ShopConfig(AppConfig):\n    name = 'shop'\n",
        "shop/__init__.py": 'default_app_config = "shop.config.OtherConfig"\n',
        "blog/__init__.py": 'default_app_config = "blog.apps.BlogConfig"\n',
    },
]


def project_diagnostics(root: Path) -> Iterator[Diagnostic]:
    for number, files in enumerate(PROJECTS):
        project = root / str(number)
        for name, text in {"manage.py": "", **files}.items():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            (project / name).write_text(text)
        yield from check_paths([str(project)]).diagnostics


def configured_project_diagnostics() -> Iterator[Diagnostic]:
    """The fixture projects with a ``[tool.signallint]`` table, read as the CLI does."""
    for config in sorted((FIXTURES / "projects").glob("*/pyproject.toml")):
        settings = load_settings(str(config))
        yield from check_paths([str(config.parent)], settings).diagnostics


def fixture_diagnostics() -> Iterator[Diagnostic]:
    for version, source in MODULES:
        settings = Settings() if version is None else Settings(django_version=version)
        yield from check_source(textwrap.dedent(source), "example.py", settings)
    for path in sorted((FIXTURES / "rules").glob("*.py")):
        settings = fixture_settings(path.read_text())
        yield from check_source(path.read_bytes(), str(path), settings)
    projects = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())
    for project in [*projects, ROOT / "examples" / "shop"]:
        yield from check_paths([str(project)]).diagnostics


@pytest.fixture(scope="module")
def diagnostics(tmp_path_factory: pytest.TempPathFactory) -> list[Diagnostic]:
    projects = project_diagnostics(tmp_path_factory.mktemp("projects"))
    configured = configured_project_diagnostics()
    found = [d for d in (*fixture_diagnostics(), *projects, *configured) if d.code in RULES]
    assert found
    return found


def test_every_message_comes_from_a_template_of_its_rule(diagnostics: list[Diagnostic]) -> None:
    strays = [d for d in diagnostics if not templates_of(RULES[d.code], d.message)]
    assert strays == []


def test_every_template_is_seen(diagnostics: list[Diagnostic]) -> None:
    seen = {(d.code, m) for d in diagnostics for m in templates_of(RULES[d.code], d.message)}
    declared = {(code, message) for code, rule in RULES.items() for message in rule.messages}
    assert declared - seen == set()


def test_the_summary_is_the_first_message() -> None:
    for rule in RULES.values():
        assert rule.summary == rule.messages[0].template


def test_a_message_written_by_hand_does_not_pass_for_a_template() -> None:
    template = Message("receiver `{name}` does not accept **kwargs; add **kwargs")
    assert pattern(template).fullmatch(template.format(name="on_save"))
    twice = Message("`{name}` is `{name}`")
    assert pattern(twice).fullmatch("`a` is `a`")
    assert not pattern(twice).fullmatch("`a` is `b`")
    assert not pattern(template).fullmatch("receiver `on_save` has no **kwargs; add **kwargs")
    assert not pattern(template).fullmatch(template.format(name="on_save") + "!")
