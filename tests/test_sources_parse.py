"""LibCST parses a source Python's parser accepted without validating each node."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from signallint import sources
from tests.test_slicing import python_files

ROOT = Path(__file__).resolve().parent.parent


def test_an_unvalidated_parse_gives_the_same_tree() -> None:
    paths = python_files(ROOT / "tests" / "fixtures", ROOT / "examples", ROOT / "signallint")
    compared = 0
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        validated = sources.parse(text)
        if isinstance(validated, sources.Problem):
            continue
        unvalidated = sources.parse(text, checked=True)
        assert isinstance(unvalidated, cst.Module)
        assert unvalidated.code == text
        assert unvalidated.deep_equals(validated), path
        compared += 1
    assert compared > 100


def test_validation_is_back_after_a_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    validate = cst.Name._validate

    def counting(self: cst.Name) -> None:
        calls.append(self.value)
        validate(self)

    monkeypatch.setattr(cst.Name, "_validate", counting)
    assert isinstance(sources.parse("signal = post_save\n", checked=True), cst.Module)
    assert calls == [], "the parse validated no node"
    assert isinstance(sources.parse("x = (\n", checked=True), sources.Problem)
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")
    assert calls == [""]


def test_a_post_init_that_does_more_than_validate_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[str] = []

    def post_init(self: cst.CSTNode) -> None:
        made.append(type(self).__name__)
        self._validate()

    monkeypatch.setattr(cst.CSTNode, "__post_init__", post_init)
    assert isinstance(sources.parse("signal = post_save\n", checked=True), cst.Module)
    assert "Name" in made
