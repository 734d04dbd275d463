"""SIG204 judges a model by the model, whatever names the project gives it."""

from __future__ import annotations

import dataclasses

import pytest

from signallint import engine, layout
from signallint.context import RuleContext
from signallint.rules import sig204_m2m_changed_model_sender as sig204
from signallint.settings import Settings
from tests.helpers import FIXTURES


def test_a_lazy_sender_names_one_model_under_all_its_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A model re-exported by a models package is in ``model_classes`` under each of its
    qualified names; the lazy ``"library.Author"`` still names one model."""
    monkeypatch.chdir(FIXTURES / "projects" / "m2m_lazy_sender")
    settings = Settings()
    analyses, others, root = engine.gather(["."], settings, project=True)
    assert root is not None
    project = layout.project_facts(tuple(a.facts for a in (*analyses, *others)), root)
    context = RuleContext.for_project(project, settings.django_version, ())
    author = context.model_classes["library.models.Author"]
    aliased = dataclasses.replace(
        context,
        model_classes={**context.model_classes, "library.models.people.Author": author},
    )
    [receivers] = [m for m in project.modules if m.path.endswith("receivers.py")]
    for judged in (context, aliased):
        found = list(sig204.check(receivers, judged))
        assert [f.message for f in found] == [sig204.LAZY_SENDER.format(text='"library.Author"')], (
            judged.model_classes.keys()
        )
