"""SIG307 against real Django: what a process imports depends on what it does.

``tests/fixtures/projects/urlconf_only`` connects receivers in modules that only its
URLconf imports (reported) and in modules that ``ready()`` or an ``admin`` module also
imports (not reported). Each process below runs in a subprocess, from the project's
directory, sends ``probe.pinged`` and prints which receivers ran:

- ``django.setup()`` alone (a script, ``manage.py shell``, ``call_command()``, a worker
  that skips the system checks): the reported receivers do not run;
- then the URLconf loaded as the first request loads it (``resolve()``): they do;
- the system checks (``run_checks()``), as ``check``, ``migrate``, ``runserver`` and a
  Celery worker (unless ``CELERY_SKIP_CHECKS`` is set) run them at start-up: they do
  too, which is why the message claims neither "every management command" nor "every
  worker".
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import FIXTURES

pytest.importorskip("django")

PROJECT = FIXTURES / "projects" / "urlconf_only"
REPORTED = {"shop.signals.on_ping", "billing.handlers.on_ping_billing"}
TWINS = {"stock.signals.on_ping_stock", "orders.receivers.on_ping_orders"}

PROCESS = """
import json, os, sys

sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"
import django

django.setup()
import probe

def ping():
    probe.CALLS.clear()
    probe.pinged.send(sender=None)
    return sorted(set(probe.CALLS))

ran = {"setup": ping()}
if sys.argv[1] == "request":
    from django.urls import resolve

    resolve("/billing/invoice/")
elif sys.argv[1] == "check":
    from django.core.checks import run_checks

    run_checks()
elif sys.argv[1] == "shell":
    from django.core.management import call_command

    call_command("shell", command="pass")
ran["after"] = ping()
print(json.dumps(ran))
"""


def run(step: str) -> dict[str, set[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROCESS, step],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return {k: set(v) for k, v in json.loads(result.stdout.splitlines()[-1]).items()}


def test_the_reported_receivers_are_the_ones_sig307_names() -> None:
    reported = {
        line.split(": SIG307 receiver `")[0].split(".py:")[0].replace("/", ".")
        + "."
        + line.split("`")[1]
        for line in (PROJECT / "expected.txt").read_text().splitlines()
    }
    assert reported == REPORTED


@pytest.mark.parametrize("step", ["setup", "shell"])
def test_setup_alone_never_connects_them(step: str) -> None:
    ran = run(step)
    assert ran["setup"] == ran["after"] == TWINS


def test_loading_the_urlconf_connects_them() -> None:
    ran = run("request")
    assert ran["setup"] == TWINS
    assert ran["after"] == TWINS | REPORTED


def test_system_checks_load_the_urlconf_too() -> None:
    assert run("check")["after"] == TWINS | REPORTED
