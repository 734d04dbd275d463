"""The whole-project analysis agrees with Django: each mini project is booted for real.

For every project under tests/fixtures/projects with a ``boot.txt``, a subprocess sets
the project's settings, runs ``django.setup()``, creates its models' tables, saves one
instance of each model and sends ``probe.pinged``; every receiver records its name in
``probe.CALLS``. ``boot.txt`` says, by hand, which receivers must have run and which
must not (``one-of`` lists receivers of which exactly one runs), which run ``once`` or
``twice`` per send, or that start-up fails (``raises`` and the end of the error's last
line). And every receiver that ``expected.txt`` reports as never connected (SIG301),
connected only under tests (SIG302) or only once the URLconf is loaded (SIG307) must
indeed not have run; every one it reports as imported under two module names (SIG309)
must have run at least twice.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import FIXTURES

pytest.importorskip("django")

BOOTED = sorted(p.parent for p in (FIXTURES / "projects").glob("*/boot.txt"))
TIMES = {"once": 1, "twice": 2}

BOOT = """
import collections, json, os, sys

sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"
import django

django.setup()
from django.apps import apps
from django.db import connection

import probe

here = os.getcwd()
models = [m for m in apps.get_models() if m._meta.app_config.path.startswith(here)]
with connection.schema_editor() as editor:
    for model in models:
        editor.create_model(model)
for model in models:
    model.objects.create()
probe.pinged.send(sender=None)
print(
    json.dumps(
        {
            "calls": sorted(set(probe.CALLS)),
            "counts": collections.Counter(probe.CALLS),
            "modules": sorted(sys.modules),
        }
    )
)
"""

# Never connected (SIG301), only under tests (SIG302), only once the URLconf is loaded
# (SIG307): none of them runs after django.setup() alone.
REPORTED = re.compile(r"^(?P<path>[\w/]+)\.py:\d+:\d+: SIG30[127] receiver `(?P<name>\w+)`")
# Imported under two module names (SIG309): each import connects it again.
REPORTED_TWICE = re.compile(r"^(?P<path>[\w/]+)\.py:\d+:\d+: SIG309 receiver `(?P<name>\w+)`")


def run_boot(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BOOT], cwd=project, capture_output=True, text=True, check=False
    )


def boot(project: Path) -> dict[str, Any]:
    result = run_boot(project)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return data


def receiver_named(match: re.Match[str]) -> str:
    return f"{match['path'].replace('/', '.')}.{match['name']}"


@pytest.mark.parametrize("project", BOOTED, ids=[p.name for p in BOOTED])
def test_receivers_run_exactly_as_the_analysis_says(project: Path) -> None:
    expected = (project / "boot.txt").read_text()
    if expected.startswith("raises "):
        result = run_boot(project)
        assert result.returncode != 0
        assert result.stderr.strip().splitlines()[-1].endswith(expected[7:].strip())
        return
    booted = boot(project)
    calls, counts = set(booted["calls"]), booted["counts"]
    for line in (project / "boot.txt").read_text().splitlines():
        kind, *names = line.split()
        if kind == "ran":
            assert names[0] in calls, f"{names[0]} should have run"
        elif kind == "silent":
            assert names[0] not in calls, f"{names[0]} should never run"
        elif kind in TIMES:
            assert counts.get(names[0], 0) == TIMES[kind], f"{names[0]} should run {kind}"
        else:
            assert kind == "one-of"
            assert len(calls & set(names)) == 1, names
    for line in (project / "expected.txt").read_text().splitlines():
        match = REPORTED.match(line)
        if match:
            assert receiver_named(match) not in calls, line
        match = REPORTED_TWICE.match(line)
        if match:
            # A second name that only the URLconf brings is there once it is loaded
            # (tests/test_two_module_names.py), not after django.setup() alone.
            twice = "once the URLconf is loaded" not in line
            assert counts.get(receiver_named(match), 0) == (2 if twice else 1), line


def test_a_never_imported_module_is_not_even_loaded() -> None:
    modules = boot(FIXTURES / "projects" / "never_imported")["modules"]
    assert "shop.models" in modules
    assert "shop.signals" not in modules
    assert "shop.notifications" not in modules


REEXPORTS = """
import json, os, sys

sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"
import django

django.setup()
from django.apps import apps
from django.db import connection

import probe
from shop import checkout
from shop.models import Product, Shelf, Tag

with connection.schema_editor() as editor:
    for model in apps.get_app_config("shop").get_models():
        editor.create_model(model)
product, tag, shelf = Product.objects.create(), Tag.objects.create(), Shelf.objects.create()
product.tags.add(tag)
shelf.products.add(product)
failed = {}
for send in (checkout.pay, checkout.refund):
    for receiver, result in send(order=1):
        if isinstance(result, Exception):
            failed[receiver.__name__] = str(result)
print(json.dumps({"calls": sorted(set(probe.CALLS)), "failed": failed}))
"""


def test_names_re_exported_by_packages_behave_as_reported() -> None:
    # tests/fixtures/projects/reexports imports its models, signals and a receiver from
    # the packages that re-export them; what expected.txt says happens under Django.
    project = FIXTURES / "projects" / "reexports"
    result = subprocess.run(
        [sys.executable, "-c", REEXPORTS], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.splitlines()[-1])
    calls, failed = set(data["calls"]), data["failed"]
    # SIG204: a model as the m2m_changed sender never matches; its through model does.
    assert "shop.receivers.product_tags_changed" not in calls
    assert "shop.receivers.shelf_changed" not in calls
    assert "shop.receivers.product_tags_changed_through" in calls
    assert "shop.receivers.shelf_changed_through" in calls
    # SIG001 / SIG214: order_paid sends keywords (signal, amount) log_payment does not take.
    assert "got an unexpected keyword argument" in failed["log_payment"]
    # SIG002: nothing sends coupon.
    assert "missing 1 required positional argument: 'coupon'" in failed["check_coupon"]
    assert "shop.receivers.record_payment" in calls
    assert set(failed) == {"log_payment", "check_coupon"}
    # The same receiver under two names with one dispatch_uid: connected once, runs.
    assert "shop.handlers.payments.notify_accounting" in calls
    # SIG305: shop/audit.py is imported first, so its receiver keeps dispatch_uid "refund".
    assert "shop.audit.audit_refund" in calls
    expected = (project / "expected.txt").read_text()
    assert "SIG305 receiver `notify_accounting` reuses dispatch_uid 'refund'" in expected


RECURSION_PROBE = """
import json, os, sys

sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"
import django

django.setup()
from django.apps import apps
from django.db import connection

here = os.getcwd()
models = [m for m in apps.get_models() if m._meta.app_config.path.startswith(here)]
with connection.schema_editor() as editor:
    for model in models:
        editor.create_model(model)
recursing = set()
for model in models:
    try:
        model.objects.create()
    except RecursionError:
        recursing.add(model.__name__)
    model.objects.bulk_create([model()])  # sends no signal
    try:
        model.objects.latest("pk").save()
    except RecursionError:
        recursing.add(model.__name__)
print(json.dumps(sorted(recursing)))
"""


def test_post_save_recursion_reported_where_the_project_recurses() -> None:
    """Each model whose post_save receiver SIG211 reports recurses on a create or an
    update; the models of the receivers it leaves alone do not."""
    project = FIXTURES / "projects" / "post_save_recursion"
    result = subprocess.run(
        [sys.executable, "-c", RECURSION_PROBE],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    recursing = set(json.loads(result.stdout.splitlines()[-1]))
    reported = {line.split("`")[3] for line in (project / "expected.txt").read_text().splitlines()}
    receivers_of = {"count_touches": "Tag", "number_order": "Order"}
    assert reported == set(receivers_of)
    assert recursing == {receivers_of[name] for name in reported}
