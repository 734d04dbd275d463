"""Configuration: target Django version detection and declared signals."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from signallint import check_paths
from signallint.settings import ConfigError, load_settings


def test_detects_from_pyproject_dependencies(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "shop"\ndependencies = ["requests", "Django>=5.0,<6"]\n'
    )
    (tmp_path / "shop").mkdir()
    settings = load_settings(start=str(tmp_path / "shop"))
    assert settings.django_version == (5, 0)
    assert settings.django_version_source == (
        f"detected from 'Django>=5.0,<6' in {tmp_path / 'pyproject.toml'}"
    )


def test_detects_from_requirements_files(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests==2.0\nDjango==4.2.11  # LTS\n")
    settings = load_settings(start=str(tmp_path))
    assert (settings.django_version, settings.django_version_source) == (
        (4, 2),
        f"detected from 'Django==4.2.11' in {tmp_path / 'requirements.txt'}",
    )


def test_a_version_outside_the_catalogue_becomes_the_nearest_known(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("Django==3.2.18\n")
    assert load_settings(start=str(tmp_path)).django_version == (3, 2)
    (tmp_path / "requirements.txt").write_text("Django==2.2.28\n")
    assert load_settings(start=str(tmp_path)).django_version == (3, 2)
    (tmp_path / "requirements.txt").write_text("Django>=7.0\n")
    assert load_settings(start=str(tmp_path)).django_version == (6, 1)


def test_configured_version_beats_detection(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["Django>=4.2"]\n'
        '[tool.signallint]\ndjango-version = "5.2"\n'
    )
    settings = load_settings(start=str(tmp_path))
    assert settings.django_version == (5, 2)
    assert settings.django_version_source.startswith("django-version in")


def test_no_declaration_means_newest(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = []\n')
    assert load_settings(start=str(tmp_path)).django_version == (6, 1)


DECLARED = """
[tool.signallint.signals]
"payments.signals.order_paid" = { kwargs = ["order", "amount"], optional-kwargs = ["request"] }
"""

RECEIVERS = """
from django.dispatch import receiver
from payments.signals import order_paid


@receiver(order_paid)
def on_paid(sender, order, amount, **kwargs):
    pass


@receiver(order_paid)
def needs_request(sender, request, **kwargs):
    pass


@receiver(order_paid)
def typo(sender, ammount, **kwargs):
    pass


@receiver(order_paid)
def no_kwargs(sender, order, amount):
    pass
"""


def test_declared_signals_are_checked_like_built_ins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(DECLARED)
    (tmp_path / "handlers.py").write_text(RECEIVERS)
    settings = load_settings(start=str(tmp_path))
    found = [(d.line, d.code) for d in check_paths([str(tmp_path)], settings).diagnostics]
    assert found == [(12, "SIG002"), (17, "SIG002"), (22, "SIG001")]
    messages = [d.message for d in check_paths([str(tmp_path)], settings).diagnostics]
    assert "only on some paths" in messages[0]
    assert "did you mean `amount`?" in messages[1]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param('"order_paid" = { kwargs = [] }', "dotted path", id="not-dotted"),
        pytest.param('"a.b" = { kwarg = [] }', "unknown key `kwarg`", id="unknown-key"),
        pytest.param('"a.b" = { sender = "x" }', "`kwargs` is required", id="missing-kwargs"),
        pytest.param('"a.b" = { kwargs = ["not valid"] }', "keyword names", id="bad-kwarg"),
        pytest.param('"a.b" = { kwargs = [], model-signal = "yes" }', "boolean", id="bad-type"),
        pytest.param('"a.b" = 3', "must be a table", id="not-a-table"),
    ],
)
def test_bad_declarations_name_the_signal(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.signallint.signals]\n" + table + "\n")
    with pytest.raises(ConfigError, match=message) as raised:
        load_settings(start=str(tmp_path))
    assert "\n" not in str(raised.value)


def test_project_signals_across_files(tmp_path: Path) -> None:
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "signals.py").write_text(
        "from django.dispatch import Signal\n\norder_paid = Signal()\n"
    )
    (shop / "views.py").write_text(
        textwrap.dedent(
            """\
            from .signals import order_paid


            def pay(order, request):
                order_paid.send(sender=type(order), order=order, amount=order.total)
                order_paid.send(sender=type(order), order=order, amount=0, request=request)
            """
        )
    )
    (shop / "handlers.py").write_text(
        textwrap.dedent(
            """\
            from django.dispatch import receiver

            from shop import signals


            @receiver(signals.order_paid)
            def on_paid(sender, order, amount, **kwargs):
                pass


            @receiver(signals.order_paid)
            def audit(sender, request, **kwargs):
                pass


            @receiver(signals.order_paid)
            def refund(sender, refund, **kwargs):
                pass
            """
        )
    )
    found = [(Path(d.path).name, d.line, d.code) for d in check_paths([str(tmp_path)]).diagnostics]
    assert found == [("handlers.py", 12, "SIG002"), ("handlers.py", 17, "SIG002")]


def test_project_signal_sent_with_a_mapping_has_unknown_keywords(tmp_path: Path) -> None:
    (tmp_path / "events.py").write_text(
        "from django.dispatch import Signal, receiver\n"
        "order_paid = Signal()\n"
        "def pay(data):\n"
        "    order_paid.send(sender=None, **data)\n"
        "@receiver(order_paid)\n"
        "def on_paid(sender, anything, **kwargs):\n"
        "    pass\n"
    )
    assert check_paths([str(tmp_path)]).diagnostics == []
