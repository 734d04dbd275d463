"""The whole-project analysis agrees with Django: each mini project is booted for real.

For every project under tests/fixtures/projects with a ``boot.txt``, a subprocess sets
the project's settings, runs ``django.setup()``, creates its models' tables, saves one
instance of each model and sends ``probe.pinged``; every receiver records its name in
``probe.CALLS``. ``boot.txt`` says, by hand, which receivers must have run and which
must not (``one-of`` lists receivers of which exactly one runs). And every receiver
that ``expected.txt`` reports as never connected (SIG301) or connected only under tests
(SIG302) must indeed not have run.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import FIXTURES

pytest.importorskip("django")

BOOTED = sorted(p.parent for p in (FIXTURES / "projects").glob("*/boot.txt"))

BOOT = """
import json, os, sys

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
print(json.dumps({"calls": sorted(set(probe.CALLS)), "modules": sorted(sys.modules)}))
"""

REPORTED = re.compile(r"^(?P<path>[\w/]+)\.py:\d+:\d+: SIG30[12] receiver `(?P<name>\w+)`")


def boot(project: Path) -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", BOOT], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, list[str]] = json.loads(result.stdout.splitlines()[-1])
    return data


@pytest.mark.parametrize("project", BOOTED, ids=[p.name for p in BOOTED])
def test_receivers_run_exactly_as_the_analysis_says(project: Path) -> None:
    calls = set(boot(project)["calls"])
    for line in (project / "boot.txt").read_text().splitlines():
        kind, *names = line.split()
        if kind == "ran":
            assert names[0] in calls, f"{names[0]} should have run"
        elif kind == "silent":
            assert names[0] not in calls, f"{names[0]} should never run"
        else:
            assert kind == "one-of"
            assert len(calls & set(names)) == 1, names
    for line in (project / "expected.txt").read_text().splitlines():
        match = REPORTED.match(line)
        if match:
            module = match["path"].replace("/", ".")
            assert f"{module}.{match['name']}" not in calls, line


def test_a_never_imported_module_is_not_even_loaded() -> None:
    modules = boot(FIXTURES / "projects" / "never_imported")["modules"]
    assert "shop.models" in modules
    assert "shop.signals" not in modules
    assert "shop.notifications" not in modules


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
