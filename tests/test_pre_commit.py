"""The pre-commit hook, run by real pre-commit (``try-repo``) in a temporary git repository.

``pre-commit try-repo PATH`` on a checkout with uncommitted changes clones it and adds
only the *tracked* files' changes (``git add -u``): new files such as a hook manifest not
yet committed would be missing. So the test copies what the package needs from the
working tree into a fresh repository and commits it there. pre-commit builds a virtual
environment and pip-installs that copy (its dependencies come from the package index).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.test_cli import BAD, GOOD

pytest.importorskip("pre_commit")

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
]


def git_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="signallint tests",
        GIT_AUTHOR_EMAIL="tests@example.invalid",
        GIT_COMMITTER_NAME="signallint tests",
        GIT_COMMITTER_EMAIL="tests@example.invalid",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        PRE_COMMIT_COLOR="never",
        NO_COLOR="1",
    )
    return env


def git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def hook_repository(tmp_path: Path, env: dict[str, str]) -> Path:
    """This checkout's working tree (what the package needs), committed in a new repo."""
    repo = tmp_path / "signallint-hooks"
    repo.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(
        ROOT / "signallint", repo / "signallint", ignore=shutil.ignore_patterns("__pycache__")
    )
    git("init", "-q", cwd=repo, env=env)
    git("add", "-A", cwd=repo, env=env)
    git("commit", "-q", "-m", "signallint", cwd=repo, env=env)
    return repo


def django_project(tmp_path: Path, env: dict[str, str]) -> Path:
    project = tmp_path / "shop"
    (project / "orders").mkdir(parents=True)
    (project / "orders" / "__init__.py").write_text("")
    (project / "orders" / "apps.py").write_text(
        textwrap.dedent(
            """\
            from django.apps import AppConfig


            class OrdersConfig(AppConfig):
                name = "orders"

                def ready(self):
                    from . import signals  # noqa: F401
            """
        )
    )
    (project / "orders" / "signals.py").write_text(BAD)
    (project / "README.txt").write_text("not python: the hook must not see it\n")
    git("init", "-q", cwd=project, env=env)
    git("add", "-A", cwd=project, env=env)
    return project


def try_repo(project: Path, hooks: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "signallint", "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_manifest_is_valid() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    [hook] = [h for h in hooks if h["id"] == "signallint"]
    assert hook["entry"] == "signallint"
    assert hook["language"] == "python"
    assert hook["types"] == ["python"]
    assert hook["require_serial"] is True
    assert hook["description"]
    assert hook["minimum_pre_commit_version"]


def test_try_repo_fails_on_a_bad_receiver_then_passes_once_fixed(tmp_path: Path) -> None:
    env = git_env(tmp_path)
    hooks = hook_repository(tmp_path, env)
    project = django_project(tmp_path, env)

    failed = try_repo(project, hooks, env)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "signallint" in output and "Failed" in output
    assert "orders/signals.py:6:5: SIG001 receiver `on_save` does not accept **kwargs" in output

    (project / "orders" / "signals.py").write_text(GOOD)
    git("add", "-A", cwd=project, env=env)
    passed = try_repo(project, hooks, env)
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "Passed" in output and "SIG001" not in output
