"""Speed benchmark: signallint against flake8 and ruff, measured side by side.

    python bench/bench.py                 # Django's source and the ecosystem tree
    python bench/bench.py --runs 7 --tree django
    python bench/bench.py --tree django-check   # manage.py check with the system check

Every tool runs as a separate process on the same tree, alternating tool by tool within
each round so that machine noise hits them alike; each figure is the median of the
rounds. Peak memory is the largest resident set of the command or any of its child
processes, as the OS reports it. Ratios are taken between figures of the same run only.

Trees:
- ``django``: the installed Django package's source.
- ``ecosystem``: Django, wagtail, django-allauth, django-cms and django-oscar, installed
  once into a virtual environment under ``.bench/`` (package registry access needed the
  first time).

signallint is timed as users run it: installed from this checkout (not editable) into
an environment of its own under ``.bench/``, reinstalled on every run.

Needs flake8 and ruff on PATH next to this Python (``pip install -e '.[test,lint]'``).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
ECOSYSTEM_PACKAGES = ["django", "wagtail", "django-allauth", "django-cms", "django-oscar"]
ECOSYSTEM_IMPORTS = ["django", "wagtail", "allauth", "cms", "oscar"]


@dataclass
class Tool:
    name: str
    command: list[str]
    # Run before every timed run (e.g. to empty a cache), untimed.
    prepare: list[str] | None = None
    seconds: list[float] = field(default_factory=list)
    peak_kib: list[int] = field(default_factory=list)
    exit_codes: set[int] = field(default_factory=set)


def _bin(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"bench: `{name}` is not installed (pip install -e '.[test,lint]')")
    return found


def measure(command: list[str]) -> tuple[float, int, int]:
    """Wall time, peak RSS (KiB) of the command and its children, and its exit code."""
    runner = (
        "import resource, subprocess, sys, time;"
        "start = time.perf_counter();"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
        " stderr=subprocess.DEVNULL).returncode;"
        "elapsed = time.perf_counter() - start;"
        "print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)"
    )
    output = subprocess.run(
        [sys.executable, "-c", runner, *command], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(output[0]), int(output[1]), int(output[2])


def ecosystem_tree() -> list[str]:
    venv = BENCH_DIR / "ecosystem-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"bench: installing {', '.join(ECOSYSTEM_PACKAGES)} into {venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *ECOSYSTEM_PACKAGES], check=True
        )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return [str(Path(site) / name) for name in ECOSYSTEM_IMPORTS]


def django_tree() -> list[str]:
    import django

    return [str(Path(django.__file__).parent)]


def count_files(paths: list[str]) -> int:
    return sum(
        1
        for path in paths
        for _, _, files in os.walk(path)
        for name in files
        if name.endswith(".py")
    )


def plain_flake8() -> str:
    """flake8 in an environment of its own, without the signallint plugin."""
    venv = BENCH_DIR / "flake8-venv"
    flake8 = venv / "bin" / "flake8"
    if not flake8.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                f"flake8=={_version('flake8')}",
            ],
            check=True,
        )
    return str(flake8)


@functools.cache
def installed_signallint() -> str:
    """signallint installed from this checkout as users install it (not editable: an
    editable install's import hook adds ~20 ms to every start), in an environment of
    its own, refreshed on every benchmark run."""
    venv = BENCH_DIR / "signallint-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", "."],
        cwd=ROOT,
        check=True,
    )
    # Its dependencies at the versions this environment has.
    dependencies = ("libcst", "click", "msgspec", "packaging")
    requirements = [f"{name}=={_version(name)}" for name in dependencies]
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *requirements], cwd=ROOT, check=True
    )
    return str(python)


def _version(distribution: str) -> str:
    from importlib.metadata import version

    return version(distribution)


def tools_for(paths: list[str], cache_dir: str) -> list[Tool]:
    signallint = [installed_signallint(), "-m", "signallint", "--quiet", "--exit-zero"]
    flake8 = [_bin("flake8"), "--jobs", "2", "--exit-zero"]
    return [
        Tool(
            "signallint (cold cache)",
            [*signallint, "--cache-dir", cache_dir, *paths],
            prepare=[sys.executable, "-c", f"import shutil; shutil.rmtree({cache_dir!r}, True)"],
        ),
        Tool("signallint (warm cache)", [*signallint, "--cache-dir", cache_dir, *paths]),
        Tool("flake8 -j 2", [plain_flake8(), "--jobs", "2", "--exit-zero", *paths]),
        Tool("flake8 -j 2, signallint plugin installed", [*flake8, *paths]),
        Tool("flake8 -j 2 --select SIG", [*flake8, "--select", "SIG", *paths]),
        Tool(
            "ruff --select DJ",
            [
                _bin("ruff"),
                "check",
                "--select",
                "DJ",
                "--no-cache",
                "--exit-zero",
                "--quiet",
                *paths,
            ],
        ),
    ]


def run_tree(label: str, paths: list[str], runs: int) -> dict[str, object]:
    files = count_files(paths)
    cache_dir = tempfile.mkdtemp(prefix="signallint-bench-cache-")
    tools = tools_for(paths, cache_dir)
    subprocess.run(tools[1].command, capture_output=True, check=False)  # fill the cache
    for _ in range(runs):
        for tool in tools:
            if tool.prepare:
                subprocess.run(tool.prepare, check=True)
            seconds, peak, code = measure(tool.command)
            tool.seconds.append(seconds)
            tool.peak_kib.append(peak)
            tool.exit_codes.add(code)
    shutil.rmtree(cache_dir, ignore_errors=True)
    medians = {tool.name: statistics.median(tool.seconds) for tool in tools}
    flake8 = medians["flake8 -j 2"]
    ruff = medians["ruff --select DJ"]
    report: dict[str, object] = {"tree": label, "files": files, "runs": runs, "tools": []}
    print(f"\n{label}: {files} files, median of {runs} runs")
    print(
        f"{'tool':48} {'median s':>9} {'files/s':>9} {'peak MB':>8} {'x flake8':>9} {'x ruff':>7}"
    )
    for tool in tools:
        median = medians[tool.name]
        peak_mb = max(tool.peak_kib) / 1024
        print(
            f"{tool.name:48} {median:9.3f} {files / median:9.0f} {peak_mb:8.1f}"
            f" {median / flake8:9.3f} {median / ruff:7.2f}"
        )
        tools_report = report["tools"]
        assert isinstance(tools_report, list)
        tools_report.append(
            {
                "tool": tool.name,
                "median_seconds": round(median, 4),
                "all_seconds": [round(s, 4) for s in tool.seconds],
                "peak_mb": round(peak_mb, 1),
                "exit_codes": sorted(tool.exit_codes),
            }
        )
    with_plugin = medians["flake8 -j 2, signallint plugin installed"]
    plugin_overhead = with_plugin / medians["flake8 -j 2"] - 1
    print(f"flake8 plugin: adds {plugin_overhead:+.0%} to flake8 -j 2 (same run)")
    report["plugin_overhead"] = round(plugin_overhead, 3)
    return report


def django_check(runs: int) -> dict[str, object]:
    """``manage.py check`` on the example project without and with ``signallint.django``
    (its system check), the facts cache cold and warm. The copy checked has the bad
    import fixed that stops the example from starting (SIG102)."""
    python = installed_signallint()
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", f"django=={_version('django')}"], check=True
    )
    work = Path(tempfile.mkdtemp(prefix="signallint-bench-site-"))
    site = work / "shop"
    shutil.copytree(ROOT / "examples" / "shop", site)
    handlers = site / "accounts" / "handlers.py"
    handlers.write_text(
        handlers.read_text().replace("django.db.models.signals", "django.contrib.auth.signals")
    )
    (site / "with_signallint.py").write_text(
        "from shop_site.settings import *  # noqa: F403\n"
        'INSTALLED_APPS = [*INSTALLED_APPS, "signallint.django"]  # noqa: F405\n'
    )
    cache_dir = work / "cache"
    (site / "pyproject.toml").write_text(f"[tool.signallint]\ncache-dir = {str(cache_dir)!r}\n")
    check = [python, str(site / "manage.py"), "check", "--settings"]
    tools = [
        Tool("manage.py check", [*check, "shop_site.settings"]),
        Tool(
            "manage.py check, signallint.django (cold cache)",
            [*check, "with_signallint"],
            prepare=[
                sys.executable,
                "-c",
                f"import shutil; shutil.rmtree({str(cache_dir)!r}, True)",
            ],
        ),
        Tool("manage.py check, signallint.django (warm cache)", [*check, "with_signallint"]),
    ]
    subprocess.run(tools[2].command, capture_output=True, check=False)  # fill the cache
    for _ in range(runs):
        for tool in tools:
            if tool.prepare:
                subprocess.run(tool.prepare, check=True)
            seconds, peak, code = measure(tool.command)
            tool.seconds.append(seconds)
            tool.peak_kib.append(peak)
            tool.exit_codes.add(code)
    shutil.rmtree(work, ignore_errors=True)
    medians = {tool.name: statistics.median(tool.seconds) for tool in tools}
    without = medians["manage.py check"]
    print(f"\nexample project, manage.py check: median of {runs} runs")
    print(f"{'command':48} {'median s':>9} {'added s':>8} {'peak MB':>8}")
    report: dict[str, object] = {"tree": "django-check", "runs": runs, "tools": []}
    for tool in tools:
        median = medians[tool.name]
        peak_mb = max(tool.peak_kib) / 1024
        print(f"{tool.name:48} {median:9.3f} {median - without:8.3f} {peak_mb:8.1f}")
        tools_report = report["tools"]
        assert isinstance(tools_report, list)
        tools_report.append(
            {
                "tool": tool.name,
                "median_seconds": round(median, 4),
                "all_seconds": [round(s, 4) for s in tool.seconds],
                "peak_mb": round(peak_mb, 1),
                "exit_codes": sorted(tool.exit_codes),
            }
        )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--tree", choices=["django", "ecosystem", "django-check", "all"], default="all"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    options = parser.parse_args()
    trees = {"django": django_tree, "ecosystem": ecosystem_tree}
    chosen = list(trees) if options.tree == "all" else [options.tree]
    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    print(f"signallint benchmark, {time.strftime('%Y-%m-%d')}, {machine}")
    reports = [run_tree(name, trees[name](), options.runs) for name in chosen if name in trees]
    if options.tree in ("django-check", "all"):
        reports.append(django_check(options.runs))
    if options.json:
        Path(options.json).write_text(json.dumps({"machine": machine, "trees": reports}, indent=2))


if __name__ == "__main__":
    main()
