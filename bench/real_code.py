"""Run signallint over real Django code and fail on any crash or internal error.

    python bench/real_code.py

Installs (once, into ``.bench/ecosystem-venv``) Django and widely used ecosystem
packages from the package registry, checks each package's source with signallint's
Python API, and prints per package: files, files parsed, signal sites (connections,
``send()`` calls, ``Signal()`` definitions) and diagnostics by code. Exits 1 if any file
produced an internal error (SIG903) or the run raised. Never run in CI (it needs the
registry); the README quotes its latest figures.
"""

from __future__ import annotations

import collections
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".bench" / "ecosystem-venv"
PACKAGES = {
    "django": "django",
    "wagtail": "wagtail",
    "django-allauth": "allauth",
    "django-cms": "cms",
    "django-oscar": "oscar",
    "django-filter": "django_filters",
    "django-extensions": "django_extensions",
}


def site_packages() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    missing = [
        name
        for name, module in PACKAGES.items()
        if subprocess.run(
            [
                str(python),
                "-c",
                f"import importlib.util as u; raise SystemExit(u.find_spec({module!r}) is None)",
            ],
            check=False,
        ).returncode
    ]
    if missing:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *missing], check=True)
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return Path(purelib)


def main() -> int:
    from signallint import discovery, engine, pipeline
    from signallint.settings import Settings

    site = site_packages()
    failures = 0
    print(f"{'package':20} {'files':>6} {'parsed':>7} {'sites':>6} {'seconds':>8}  diagnostics")
    for name, module in PACKAGES.items():
        root = site / module
        start = time.perf_counter()
        analyses = [pipeline.analyse_file(p, pr) for p, pr in discovery.discover([str(root)], ())]
        diagnostics = engine.run_rules(analyses, Settings())
        seconds = time.perf_counter() - start
        sites = sum(
            len(a.facts.connections) + len(a.facts.send_calls) + len(a.facts.signal_defs)
            for a in analyses
        )
        parsed = sum(1 for a in analyses if a.text is not None)
        codes = collections.Counter(d.code for d in diagnostics)
        print(
            f"{name:20} {len(analyses):6} {parsed:7} {sites:6} {seconds:8.2f}  {dict(codes) or '-'}"
        )
        for diagnostic in diagnostics:
            if diagnostic.code == "SIG903":
                failures += 1
            print(
                f"    {diagnostic.path}:{diagnostic.line}:{diagnostic.col + 1}: "
                f"{diagnostic.code} {diagnostic.message}"
            )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
