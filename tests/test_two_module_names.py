"""A signals module imported under two module names, against real Django (issue #19).

``tests/fixtures/projects/two_module_names`` puts its ``apps/`` directory on ``sys.path``
in ``settings.py``, so each package under ``apps/`` is importable as ``billing`` and as
``apps.billing``. Python keys ``sys.modules`` by name, not by file: a second name runs the
file again, makes a second function object and ``@receiver`` connects that one too, so
the receiver runs twice on every send. A ``dispatch_uid`` is the key instead of the
function's identity, so its receiver stays connected once. Each process below runs in a
subprocess from the project's directory, sends ``probe.pinged`` and prints how many times
each receiver ran and under which names each of the project's files was imported.

A models module cannot be imported under a second name: Django refuses the second model
class at import, loudly, so a project that does it never starts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import FIXTURES

pytest.importorskip("django")

PROJECT = FIXTURES / "projects" / "two_module_names"

TWICE = {
    # Installed as "billing"; OrdersConfig.ready() imports apps.billing.signals.
    "apps.billing.signals.on_ping_billing",
    # Installed as "apps.stock"; orders/admin.py (autodiscovered) imports stock.signals.
    "apps.stock.signals.on_ping_stock",
    # ReturnsConfig.ready() imports apps.returns.tasks, whose `from . import signals`
    # follows its holder's name: apps.returns.signals.
    "apps.returns.signals.on_ping_returns",
}
ONCE = {
    # The same module with a dispatch_uid: the second connection replaces nothing.
    "apps.billing.signals.on_ping_billing_uid",
    # Imported again under the same name.
    "apps.ledger.signals.on_ping_ledger",
    # The second name only in a function never called, under TYPE_CHECKING, or in the
    # `except ImportError:` of an import that succeeds.
    "apps.catalog.signals.on_ping_catalog_signals",
    "apps.catalog.handlers.on_ping_catalog_handlers",
    "apps.catalog.receivers.on_ping_catalog_receivers",
    # Its second name comes with the URLconf only.
    "apps.shipping.signals.on_ping_shipping",
}

PROCESS = """
import collections, json, os, sys

sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"
import django

django.setup()
import probe

def ping():
    probe.CALLS.clear()
    probe.pinged.send(sender=None)
    return collections.Counter(probe.CALLS)

def names():
    here = os.getcwd()
    found = collections.defaultdict(list)
    for name, module in sorted(sys.modules.items()):
        path = getattr(module, "__file__", None) or ""
        if path.startswith(here + os.sep):
            found[os.path.relpath(path, here).replace(os.sep, "/")].append(name)
    return found

ran = {"setup": ping(), "names": names()}
if sys.argv[1] == "request":
    from django.urls import resolve

    resolve("/shipping/")
elif sys.argv[1] == "check":
    from django.core.checks import run_checks

    run_checks()
elif sys.argv[1] != "setup":
    __import__(sys.argv[1])
ran["after"] = ping()
print(json.dumps(ran))
"""


def run(step: str, project: Path = PROJECT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROCESS, step],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


def ran(step: str, project: Path = PROJECT) -> dict[str, Any]:
    result = run(step, project)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return data


def counted(names: set[str], times: int) -> dict[str, int]:
    return dict.fromkeys(names, times)


def test_setup_alone_runs_each_receiver_once_per_module_name() -> None:
    assert ran("setup")["setup"] == counted(TWICE, 2) | counted(ONCE, 1)


def test_each_file_is_imported_under_the_names_the_fixture_says() -> None:
    names = ran("setup")["names"]
    assert names["apps/billing/signals.py"] == ["apps.billing.signals", "billing.signals"]
    assert names["apps/stock/signals.py"] == ["apps.stock.signals", "stock.signals"]
    assert names["apps/returns/signals.py"] == ["apps.returns.signals", "returns.signals"]
    assert names["apps/returns/tasks.py"] == ["apps.returns.tasks"]
    assert names["apps/ledger/signals.py"] == ["ledger.signals"]
    assert names["apps/catalog/signals.py"] == ["catalog.signals"]
    assert names["apps/catalog/handlers.py"] == ["catalog.handlers"]
    assert names["apps/catalog/receivers.py"] == ["catalog.receivers"]
    assert names["apps/shipping/signals.py"] == ["shipping.signals"]
    # A package imported under a second name runs its __init__.py again too.
    assert names["apps/billing/__init__.py"] == ["apps.billing", "billing"]


@pytest.mark.parametrize("step", ["request", "check"])
def test_loading_the_urlconf_adds_the_second_name_of_a_view_s_signals(step: str) -> None:
    # mysite/urls.py imports apps.shipping.views, whose `from . import signals` is
    # apps.shipping.signals; shipping.signals came from ShippingConfig.ready().
    process = ran(step)
    shipping = "apps.shipping.signals.on_ping_shipping"
    assert process["setup"][shipping] == 1
    assert process["after"] == process["setup"] | {shipping: 2}


@pytest.mark.parametrize(
    ("module", "error"),
    [
        (
            "apps.billing.models",
            "RuntimeError: Model class apps.billing.models.Invoice doesn't declare an explicit"
            " app_label and isn't in an application in INSTALLED_APPS.",
        ),
        (
            # ledger's model names its app_label: Django sees the same model twice.
            "apps.ledger.models",
            "RuntimeError: Conflicting 'entry' models in application 'ledger':"
            " <class 'ledger.models.Entry'> and <class 'apps.ledger.models.Entry'>.",
        ),
    ],
)
def test_a_models_module_under_a_second_name_fails_at_import(module: str, error: str) -> None:
    result = run(module)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == error


def with_billing_signals_importing(models_import: str, tmp_path: Path) -> Path:
    project = tmp_path / "site"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns("__pycache__"))
    signals = project / "apps" / "billing" / "signals.py"
    signals.write_text(f"{models_import}  # noqa: F401\n{signals.read_text()}")
    return project


def test_a_signals_module_importing_its_models_relatively_stops_start_up(
    tmp_path: Path,
) -> None:
    # Under its second name, `.models` is apps.billing.models: django.setup() fails.
    project = with_billing_signals_importing("from .models import Invoice", tmp_path)
    result = run("setup", project)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "RuntimeError: Model class apps.billing.models.Invoice doesn't declare an explicit"
        " app_label and isn't in an application in INSTALLED_APPS."
    )


def test_a_signals_module_importing_its_models_by_one_name_still_runs_twice(
    tmp_path: Path,
) -> None:
    # The models keep one name, so nothing fails: the receiver runs twice, silently.
    project = with_billing_signals_importing("from billing.models import Invoice", tmp_path)
    process = ran("setup", project)
    assert process["setup"]["apps.billing.signals.on_ping_billing"] == 2
    assert process["names"]["apps/billing/models.py"] == ["billing.models"]
