"""``--fix``, ``--diff`` and ``--unsafe-fixes`` on the command line, on real files."""

from __future__ import annotations

import os
import re
import shutil
import stat
import textwrap
from collections.abc import Iterable
from pathlib import Path

import pytest
from click.testing import CliRunner

from signallint.cli import main
from signallint.fixes.files import FileFix, write
from signallint.rules import Fix, rule_by_code
from tests.test_cli import BAD, GOOD, run

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "examples" / "shop"

# The whole-project rules (SIG3xx) are left out of most shop tests: nothing imports
# accounts/audit.py, so once its `reciever` import is fixed SIG301 reports its receiver,
# and the SIG103 fix is refused (test_fix_refuses_what_reveals_a_whole_project_problem).
NO_SIG3 = ("--ignore", "SIG3")
FINDING = re.compile(
    r"(?:examples/shop/)?(?P<path>[^:]+):\d+:\d+: (?P<code>SIG\d+) (?P<message>.*)"
)

Finding = tuple[str, str, str]


def findings(lines: Iterable[str]) -> list[Finding]:
    """(path, code, message) of each reported line: lines move when fixes add or drop some."""
    found = []
    for line in lines:
        match = FINDING.fullmatch(line)
        assert match is not None, line
        found.append((match["path"], match["code"], match["message"]))
    return sorted(found)


def safely_fixable(code: str) -> bool:
    rule = rule_by_code(code)
    return rule is not None and rule.fix is Fix.SAFE


# examples/shop/expected.txt, without the findings that have a safe fix.
EXPECTED = findings((SHOP / "expected.txt").read_text().splitlines())
REMAINING = [f for f in EXPECTED if not safely_fixable(f[1])]
REMAINING_NO_SIG3 = [f for f in REMAINING if not f[1].startswith("SIG3")]
FIXED_NO_SIG3 = len([f for f in EXPECTED if not f[1].startswith("SIG3")]) - len(REMAINING_NO_SIG3)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    copy = tmp_path / "shop"
    shutil.copytree(SHOP, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "signals.py").write_text(BAD)
    return tmp_path


def test_diff_prints_the_fixes_and_changes_nothing(shop: Path) -> None:
    before = snapshot(shop)
    code, out, err = run("--diff", *NO_SIG3, ".", cwd=shop)
    assert code == 1
    assert snapshot(shop) == before
    assert out.startswith("--- accounts/audit.py\n+++ accounts/audit.py\n")
    assert "-from django.dispatch import reciever\n+from django.dispatch import receiver\n" in out
    assert "-@reciever(user_logged_in)\n+@receiver(user_logged_in)\n" in out
    assert "+def notify_warehouse(sender, instance, created, **kwargs):\n" in out
    remaining = len(REMAINING_NO_SIG3)
    assert f"Would fix {FIXED_NO_SIG3} problems, {remaining} would remain (3 files would" in err


def test_diff_applies_with_patch(shop: Path, tmp_path: Path) -> None:
    patch = shutil.which("patch")
    if patch is None:
        pytest.skip("needs patch")
    _, out, _ = run("--diff", *NO_SIG3, ".", cwd=shop)
    import subprocess

    subprocess.run([patch, "-s", "-p0"], input=out, text=True, cwd=shop, check=True)
    assert findings(run(*NO_SIG3, ".", cwd=shop)[1].splitlines()) == REMAINING_NO_SIG3


def test_fix_on_the_example_shop_leaves_only_what_has_no_safe_fix(shop: Path) -> None:
    code, out, err = run("--fix", *NO_SIG3, ".", cwd=shop)
    assert code == 1
    assert findings(out.splitlines()) == REMAINING_NO_SIG3
    remaining = len(REMAINING_NO_SIG3)
    assert f"Fixed {FIXED_NO_SIG3} problems, {remaining} remaining (3 files changed)." in err
    assert "accounts/handlers.py:15:27: SIG002 " in out  # below the merged import
    for path in shop.rglob("*.py"):
        compile(path.read_text(), str(path), "exec")
    assert (
        (shop / "accounts" / "handlers.py")
        .read_text()
        .startswith(
            "import logging\n\n"
            "from django.contrib.auth.signals import user_logged_in, user_login_failed, "
            "user_logged_out\n"
            "from django.dispatch import receiver\n"
        )
    )
    # A plain check agrees, and a second --fix is a no-op.
    assert findings(run(*NO_SIG3, ".", cwd=shop)[1].splitlines()) == REMAINING_NO_SIG3
    fixed = snapshot(shop)
    code, again, err = run("--fix", *NO_SIG3, ".", cwd=shop)
    assert (code, again) == (1, out)
    assert f"Fixed 0 problems, {remaining} remaining (0 files changed)." in err
    assert snapshot(shop) == fixed


def test_fix_refuses_what_reveals_a_whole_project_problem(shop: Path) -> None:
    audit = (shop / "accounts" / "audit.py").read_bytes()
    code, out, err = run("--fix", ".", cwd=shop)
    assert code == 1
    assert (shop / "accounts" / "audit.py").read_bytes() == audit
    assert "accounts/audit.py:4:29: SIG103 fix not applied: it would introduce SIG301 (" in err
    assert findings(out.splitlines()) == sorted([*REMAINING, EXPECTED[0]])
    assert EXPECTED[0][:2] == ("accounts/audit.py", "SIG103")
    assert f"Fixed 2 problems, {len(REMAINING) + 1} remaining (2 files changed)." in err
    assert run("--fix", ".", cwd=shop)[0] == 1
    assert (shop / "accounts" / "audit.py").read_bytes() == audit


def test_fix_exits_0_when_nothing_remains(project: Path) -> None:
    code, out, err = run("--fix", "app", cwd=project)
    assert (code, out) == (0, "")
    assert "Fixed 1 problem, 0 remaining (1 file changed)." in err
    assert (project / "app" / "signals.py").read_text() == GOOD


def test_fix_keeps_permissions_and_crlf(project: Path) -> None:
    path = project / "app" / "signals.py"
    path.write_bytes(BAD.replace("\n", "\r\n").encode())
    path.chmod(0o640)
    assert run("--fix", "app", cwd=project)[0] == 0
    assert path.read_bytes() == GOOD.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


def test_fix_keeps_a_latin_1_file_latin_1(project: Path) -> None:
    path = project / "app" / "signals.py"
    source = ("# -*- coding: latin-1 -*-\n# Déjà vu\n" + BAD).encode("latin-1")
    path.write_bytes(source)
    assert run("--fix", "app", cwd=project)[0] == 0
    assert path.read_bytes() == source.replace(b"instance)", b"instance, **kwargs)")


def test_fix_writes_through_a_symbolic_link(project: Path) -> None:
    real = project / "app" / "signals.py"
    link = project / "app" / "link.py"
    link.symlink_to(real)
    assert run("--fix", "app/link.py", cwd=project)[0] == 0
    assert link.is_symlink() and real.read_text() == GOOD


def test_a_fix_that_would_introduce_a_problem_is_refused(project: Path) -> None:
    source = textwrap.dedent(
        """\
        from django.db.models.signals import pre_save
        from django.dispatch import reciver


        @reciver(pre_save)
        def on_pre_save(sender, instance, created, **kwargs):
            pass
        """
    )
    path = project / "app" / "signals.py"
    path.write_text(source)
    code, out, err = run("--fix", "app", cwd=project)
    assert code == 1
    assert path.read_text() == source
    assert out.startswith("app/signals.py:2:29: SIG103 ")
    [refusal] = [line for line in err.splitlines() if "fix not applied" in line]
    assert refusal.startswith(
        "app/signals.py:2:29: SIG103 fix not applied: it would introduce SIG002 (receiver "
        "`on_pre_save` requires `created`"
    )
    assert "Fixed 0 problems, 1 remaining" in err


def test_noqa_lines_are_not_fixed(project: Path) -> None:
    path = project / "app" / "signals.py"
    source = BAD.replace("instance):", "instance):  # noqa: SIG001")
    path.write_text(source)
    assert run("--fix", "app", cwd=project)[0] == 0
    assert path.read_text() == source


MISSPELLED = textwrap.dedent(
    """\
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, instnace, **kwargs):
        return instnace
    """
)


def test_unsafe_fixes_only_with_the_flag(project: Path) -> None:
    path = project / "app" / "signals.py"
    path.write_text(MISSPELLED)
    code, out, _ = run("--fix", "app", cwd=project)
    assert code == 1 and "SIG002" in out and path.read_text() == MISSPELLED
    code, out, _ = run("--fix", "--unsafe-fixes", "app", cwd=project)
    assert (code, out) == (0, "")
    assert path.read_text() == MISSPELLED.replace("instnace", "instance")


def test_unsafe_fixes_alone_is_a_usage_error(project: Path) -> None:
    code, _, err = run("--unsafe-fixes", "app", cwd=project)
    assert code == 2
    assert err.strip() == "signallint: error: --unsafe-fixes applies to --fix and --diff only"


def test_stdin_fix_prints_the_fixed_source(project: Path) -> None:
    audit = "def audit(model, instance, **kwargs):\n    pass\n\n\npost_save.connect(audit)\n"
    source = f"{BAD}\n\n{audit}"
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(project)
    try:
        result = runner.invoke(
            main, ["--fix", "-", "--stdin-filename", "app/signals.py"], input=source
        )
    finally:
        os.chdir(old)
    assert result.exit_code == 1
    assert result.stdout_bytes == source.replace("instance):", "instance, **kwargs):").encode()
    assert "app/signals.py:10:11: SIG003 " in result.stderr
    assert "Fixed 1 problem, 1 remaining" in result.stderr
    assert (project / "app" / "signals.py").read_text() == BAD  # the file on disk is untouched


def test_stdin_fix_with_nothing_to_fix_echoes_the_source(project: Path) -> None:
    code, out, _ = run("--fix", "-", "--stdin-filename", "app/x.py", cwd=project, stdin=GOOD)
    assert (code, out) == (0, GOOD)


def test_stdin_diff(project: Path) -> None:
    code, out, _ = run("--diff", "-", "--stdin-filename", "app/x.py", cwd=project, stdin=BAD)
    assert code == 1
    assert out.splitlines()[:2] == ["--- app/x.py", "+++ app/x.py"]
    assert "+def on_save(sender, instance, **kwargs):" in out.splitlines()


def test_diff_on_a_clean_tree_prints_nothing_and_exits_0(project: Path) -> None:
    (project / "app" / "signals.py").write_text(GOOD)
    code, out, err = run("--diff", "app", cwd=project)
    assert (code, out) == (0, "")
    assert "Would fix 0 problems, 0 would remain (0 files would change)." in err


def test_fix_with_json_reports_what_remains(project: Path) -> None:
    import json

    path = project / "app" / "signals.py"
    path.write_text(MISSPELLED.replace(", **kwargs", ""))
    code, out, _ = run("--fix", "--format", "json", "app", cwd=project)
    assert code == 1
    assert [item["code"] for item in json.loads(out)] == ["SIG002"]


def test_write_refuses_a_file_changed_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    file_fix = FileFix(str(path), "utf-8", b"x = 0\n", "x = 0\n", "x = 2\n", 1)
    assert write(file_fix) == f"{path}: not fixed: the file changed while it was being fixed"
    assert path.read_text() == "x = 1\n"


def test_a_file_that_cannot_be_written_is_one_line_and_the_problem_remains(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signallint.fixes.files

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(signallint.fixes.files.tempfile, "mkstemp", refuse)
    code, out, err = run("--fix", "app", cwd=project)
    assert code == 1 and "SIG001" in out
    assert "app/signals.py: not fixed: Permission denied" in err.splitlines()
    assert "Fixed 0 problems, 1 remaining (0 files changed)." in err
    assert (project / "app" / "signals.py").read_text() == BAD


def test_the_fix_hook_is_in_the_manifest() -> None:
    pytest.importorskip("pre_commit")
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    hook = hooks["signallint-fix"]
    assert hook["entry"] == "signallint --fix"
    assert hook["language"] == "python"
    assert hook["types"] == ["python"]
    assert hook["require_serial"] is True
    assert hook["description"]


def test_baselined_problems_are_not_fixed(project: Path) -> None:
    assert run("--write-baseline", "baseline.json", "app", cwd=project)[0] == 0
    code, out, err = run("--fix", "--baseline", "baseline.json", "app", cwd=project)
    assert (code, out) == (0, "")
    assert (project / "app" / "signals.py").read_text() == BAD
    assert "1 more in the baseline." in err


@pytest.mark.slow
def test_pre_commit_fix_hook_fixes_then_passes(tmp_path: Path) -> None:
    import subprocess
    import sys

    pytest.importorskip("pre_commit")
    if shutil.which("git") is None:
        pytest.skip("needs git")
    from tests.test_pre_commit import django_project, git, git_env, hook_repository

    env = git_env(tmp_path)
    hooks = hook_repository(tmp_path, env)
    project = django_project(tmp_path, env)

    def try_fix_hook() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pre_commit", "try-repo", str(hooks)]
        return subprocess.run(
            [*command, "signallint-fix", "--all-files"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )

    fixed = try_fix_hook()
    output = fixed.stdout + fixed.stderr
    assert fixed.returncode == 1, output
    assert "files were modified by this hook" in output
    assert (project / "orders" / "signals.py").read_text() == GOOD
    git("add", "-A", cwd=project, env=env)
    passed = try_fix_hook()
    assert passed.returncode == 0, passed.stdout + passed.stderr


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(b"from django.dispatch import receiver\ndef f(:\n", id="syntax-error"),
        pytest.param(b"# signal\nx = '\xff\xfe'\n", id="undecodable"),
    ],
)
def test_stdin_fix_echoes_what_it_cannot_check(project: Path, source: bytes) -> None:
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(project)
    try:
        result = runner.invoke(main, ["--fix", "-", "--stdin-filename", "app/x.py"], input=source)
    finally:
        os.chdir(old)
    assert result.exit_code == 1
    assert result.stdout_bytes == source
    assert "SIG90" in result.stderr
