"""The pre-commit hook, run by real pre-commit (``try-repo``) in a temporary git repository.

``pre-commit try-repo PATH`` on a checkout with uncommitted changes clones it and adds
only the *tracked* files' changes (``git add -u``): new files such as a hook manifest not
yet committed would be missing. So the test copies what the package needs from the
working tree into a fresh repository and commits it there. pre-commit builds a virtual
environment and pip-installs that copy (its dependencies come from the package index).
"""

from __future__ import annotations

import os
import re
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


README_SHA = re.compile(r"rev: (?P<sha>[0-9a-f]{40})\b")


def readme_section(title: str) -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index(f"\n## {title}\n")
    end = readme.find("\n## ", start + 1)
    return readme[start:end]


def readme_configs() -> list[str]:
    """The ``.pre-commit-config.yaml`` snippets of the README's pre-commit section."""
    return re.findall(r"```yaml\n(.*?)```", readme_section("pre-commit"), re.DOTALL)


def head(repo: Path, env: dict[str, str]) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, env=env, capture_output=True, text=True
    ).stdout.strip()


def pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_readme_pins_a_commit_of_this_repository() -> None:
    remote, _ = readme_configs()
    found = README_SHA.search(remote)
    assert found, "the README's rev: must be a full commit SHA (the repository has no tags)"
    actions = readme_section("In CI: GitHub Actions")
    assert f'/signallint@{found["sha"]}"' in actions  # the same commit in both snippets
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    manifest = subprocess.run(
        ["git", "show", f"{found['sha']}:.pre-commit-hooks.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert manifest.returncode == 0, manifest.stderr
    assert "- id: signallint\n" in manifest.stdout


def test_readme_snippet_autoupdates_to_a_commit_then_runs(tmp_path: Path) -> None:
    """The README's configuration, with a clone's path for the URL: `pre-commit
    autoupdate` pins the hook repository's newest commit, and the hook runs."""
    env = git_env(tmp_path)
    hooks = hook_repository(tmp_path, env)
    project = django_project(tmp_path, env)
    remote, _ = readme_configs()
    config = remote.replace("https://github.com/OWNER/signallint", str(hooks))
    assert str(hooks) in config
    (project / ".pre-commit-config.yaml").write_text(config)
    updated = pre_commit("autoupdate", cwd=project, env=env)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    written = (project / ".pre-commit-config.yaml").read_text()
    pinned = README_SHA.search(written)
    assert pinned and pinned["sha"] == head(hooks, env)
    ran = pre_commit("run", "--all-files", cwd=project, env=env)
    output = ran.stdout + ran.stderr
    assert ran.returncode == 1, output
    assert "orders/signals.py:6:5: SIG001 receiver `on_save` does not accept **kwargs" in output


def test_readme_local_hook_runs_the_installed_checkout(tmp_path: Path) -> None:
    env = git_env(tmp_path)
    project = django_project(tmp_path, env)
    _, local = readme_configs()
    (project / ".pre-commit-config.yaml").write_text(local)
    # The environment one commits from, where the checkout is installed.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    ran = pre_commit("run", "--all-files", cwd=project, env=env)
    output = ran.stdout + ran.stderr
    assert ran.returncode == 1, output
    assert "orders/signals.py:6:5: SIG001 receiver `on_save` does not accept **kwargs" in output
    (project / "orders" / "signals.py").write_text(GOOD)
    git("add", "-A", cwd=project, env=env)
    ran = pre_commit("run", "--all-files", cwd=project, env=env)
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_manifest_has_the_map_check_hook() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    [hook] = [h for h in hooks if h["id"] == "signallint-map-check"]
    assert (hook["entry"], hook["args"]) == ("signallint", ["map", "--check", "signal-map.json"])
    assert hook["pass_filenames"] is False and hook["always_run"] is True
    assert hook["language"] == "python" and hook["description"]


def test_try_repo_map_check_fails_once_a_receiver_is_disconnected(tmp_path: Path) -> None:
    env = git_env(tmp_path)
    hooks = hook_repository(tmp_path, env)
    project = django_project(tmp_path, env)
    (project / "orders" / "signals.py").write_text(GOOD)
    (project / "manage.py").write_text("")
    (project / "settings.py").write_text('INSTALLED_APPS = ["orders"]\n')
    written = subprocess.run(
        [sys.executable, "-m", "signallint", "map", "--format", "json", "--no-cache"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"connected": "yes"' in written.stdout
    (project / "signal-map.json").write_text(written.stdout)
    git("add", "-A", cwd=project, env=env)
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hooks)]
    passed = subprocess.run(
        [*command, "signallint-map-check", "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr

    apps = project / "orders" / "apps.py"
    apps.write_text(apps.read_text().replace("from . import signals  # noqa: F401", "pass"))
    git("add", "-A", cwd=project, env=env)
    failed = subprocess.run(
        [*command, "signallint-map-check", "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "@@ orders/signals.py orders.signals.on_save: changed connection status @@" in output
