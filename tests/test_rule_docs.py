"""Every rule documents itself, and its documentation's examples are tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from signallint import check_paths, check_source
from signallint.catalogue import SUPPORTED_VERSIONS
from signallint.explain import rules_markdown
from signallint.rules import Fix, all_rules, rule_modules
from signallint.settings import Settings

RULES = all_rules()
HEADINGS = ("## What it does", "## Why is this bad?", "## Example")
CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
README = Path(__file__).parent.parent / "README.md"


def examples(doc: str) -> tuple[str, str]:
    example = doc.split("## Example", 1)[1]
    bad, good = example.split("Use instead:", 1)
    return CODE_BLOCK.findall(bad)[0], CODE_BLOCK.findall(good)[0]


# A project rule's example may be several files: code blocks that each start with
# ``# path/to/file.py``. The "Use instead" blocks replace the files they name.
FILE_HEADER = re.compile(r"# ([\w/]+\.py)\n")


def project_example(doc: str) -> tuple[dict[str, str], dict[str, str]] | None:
    example = doc.split("## Example", 1)[1].split("## ", 1)[0]
    bad, good = (
        {m.group(1): block for block in CODE_BLOCK.findall(part) if (m := FILE_HEADER.match(block))}
        for part in example.split("Use instead:", 1)
    )
    return (bad, {**bad, **good}) if bad else None


def project_codes(files: dict[str, str], root: Path, settings: Settings) -> list[str]:
    """Write a project (``__init__.py`` in every package, ``manage.py`` at the root) and
    check it as a whole."""
    (root / "manage.py").write_text("")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if path.parent != root and not (path.parent / "__init__.py").exists():
            (path.parent / "__init__.py").write_text("")
    return [d.code for d in check_paths([str(root)], settings).diagnostics]


def test_codes_and_names_are_unique_and_well_formed() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"SIG[0-8][0-9]{2}", rule.code), rule.code
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)+", rule.name), rule.name


def test_every_rule_module_is_registered_and_named_after_its_rule() -> None:
    modules = {r.module.rsplit(".", 1)[1] for r in RULES}
    assert modules == set(rule_modules())
    # A rule module the pattern missed would never be imported: no rule file escapes it.
    folder = Path(__file__).parent.parent / "signallint" / "rules"
    named_like_rules = {p.stem for p in folder.glob("sig*.py") if p.stem[3:6].isdigit()}
    assert named_like_rules == set(rule_modules())
    for rule in RULES:
        assert rule.module.rsplit(".", 1)[1].startswith(rule.code.lower() + "_")


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_doc_has_the_sections(rule) -> None:  # type: ignore[no-untyped-def]
    for heading in HEADINGS:
        assert heading in rule.doc, f"{rule.code} lacks {heading!r}"
    assert "Use instead:" in rule.doc


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_fix_safety_is_documented_for_rules_with_a_fix(rule) -> None:  # type: ignore[no-untyped-def]
    has_fix = rule.fix is not Fix.NONE
    assert ("## Fix safety" in rule.doc) == has_fix, rule.code
    if has_fix:
        section = rule.doc.split("## Fix safety", 1)[1].split("\n## ", 1)[0]
        assert f"is {rule.fix.value}" in section, f"{rule.code}: say whether the fix is safe"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_bad_example_triggers_the_rule_and_good_one_does_not(rule, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad, good = examples(rule.doc)
    version = next(v for v in SUPPORTED_VERSIONS if rule.applies_to(v))
    # An opt-in rule runs only when selected by its code.
    settings = Settings(django_version=version, extend_select=(rule.code,))
    project = project_example(rule.doc)
    if project is not None:
        (tmp_path / "bad").mkdir()
        (tmp_path / "good").mkdir()
        assert rule.code in project_codes(project[0], tmp_path / "bad", settings)
        assert project_codes(project[1], tmp_path / "good", settings) == []
        return
    assert rule.code in {d.code for d in check_source(bad, "example.py", settings)}
    assert check_source(good, "example.py", settings) == []


def test_readme_rules_table_matches_the_registry() -> None:
    assert rules_markdown() in README.read_text()
