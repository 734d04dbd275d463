"""Rules and the project's picture read facts only, never the disk.

What only the file system tells (which packages are distributed elsewhere) is found when
the project's facts are made (:mod:`signallint.layout`): from then on, the rules give the
same findings with the files gone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from signallint import engine, layout
from signallint.context import RuleContext
from signallint.project import Status, picture_of
from signallint.rules import Scope, all_rules
from signallint.settings import Settings
from tests.helpers import FIXTURES

PROJECTS = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())

Judgement = tuple[list[tuple[str, str, str]], dict[str, Status]]


def judged(directory: Path, monkeypatch: pytest.MonkeyPatch, *, files_gone: bool) -> Judgement:
    """Every finding of every rule in the project, and the picture's verdict on each
    module that connects receivers; with ``files_gone``, the files are removed once the
    project's facts are made."""
    monkeypatch.chdir(directory)
    settings = Settings()
    analyses, others, root = engine.gather(["."], settings, project=True)
    assert root is not None
    project = layout.project_facts(tuple(a.facts for a in (*analyses, *others)), root)
    if files_gone:
        for child in directory.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        # The probes remember what they found on the disk: forget it, as a new process.
        layout._is_distribution.cache_clear()
        layout._is_site.cache_clear()
    context = RuleContext.for_project(project, settings.django_version, ())
    found = []
    for rule in all_rules():
        if rule.scope is Scope.PROJECT:
            results = list(rule.check_project(project, context))
        else:
            results = [f for m in project.modules for f in rule.check(m, context)]
        found += [(rule.code, str(f.path), f.message) for f in results]
    picture = picture_of(project, context.version)
    verdicts = {m.path: picture.verdict(m.path).status for m in project.modules if m.connections}
    return sorted(found), verdicts


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_rules_judge_the_same_with_the_files_gone(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(project, tmp_path / "there")
    shutil.copytree(project, tmp_path / "gone")
    there = judged(tmp_path / "there", monkeypatch, files_gone=False)
    assert judged(tmp_path / "gone", monkeypatch, files_gone=True) == there


def test_a_distributed_package_is_known_with_the_files_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(FIXTURES / "projects" / "distributed", tmp_path / "site")
    _, verdicts = judged(tmp_path / "site", monkeypatch, files_gone=True)
    statuses = {Path(path).as_posix(): status for path, status in verdicts.items()}
    assert statuses == {
        "shop/signals.py": Status.NEVER,
        "vendor/reusable/reusable/receivers.py": Status.UNKNOWN,
    }
