"""Nothing read from the cache directory can run code or change what a run reports.

The directory may be chosen by the checked repository (``cache-dir``) or restored from a
shared CI cache. Every case here runs the real command in a subprocess, plants something
at the cache path, and checks that the next run prints exactly the cold run's output and
that nothing planted ran or was written through.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import msgspec
import pytest

from signallint import cache as cache_module
from signallint.cache import MAX_BYTES, SUFFIX, Entry, FactsCache, code_digest, read_untrusted
from signallint.facts import ModuleFacts

ROOT = Path(__file__).resolve().parent.parent


class Payload:
    """A pickle that creates ``marker`` when loaded: what an attacker would plant."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[..., object], tuple[str, ...]]:
        return (os.system, (f"touch {self.marker}",))


def crafted_pickle(marker: Path) -> bytes:
    return pickle.dumps({"entries": Payload(marker)})


def project(tmp_path: Path, cache_dir: str | None) -> Path:
    """The example project, optionally with ``cache-dir`` in its pyproject.toml."""
    site = tmp_path / "shop"
    shutil.copytree(ROOT / "examples" / "shop", site)
    if cache_dir is not None:
        (site / "pyproject.toml").write_text(f'[tool.signallint]\ncache-dir = "{cache_dir}"\n')
    return site


def run(site: Path, home: Path) -> str:
    """The command's output on ``site`` with ``home`` as the user cache directory."""
    environment = {**os.environ, "XDG_CACHE_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "signallint", "check", "."],
        cwd=site,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return f"exit {result.returncode}\n{result.stdout}{result.stderr}"


def cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*{SUFFIX}"))


@pytest.fixture(params=["project-cache-dir", "user-cache-dir"])
def layout(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path, Path]:
    """(site, user cache home, the directory the cache lands in), for a cache directory
    chosen by the project and for the default one."""
    home = tmp_path / "home-cache"
    if request.param == "project-cache-dir":
        site = project(tmp_path, ".slcache")
        return site, home, site / ".slcache"
    site = project(tmp_path, None)
    return site, home, home / "signallint"


def warm(layout: tuple[Path, Path, Path]) -> tuple[str, Path]:
    """The cold run's output, with the cache file it wrote."""
    site, home, directory = layout
    cold = run(site, home)
    assert "SIG001" in cold
    [written] = cache_files(directory)
    assert run(site, home) == cold, "a warm run agrees with the cold one"
    return cold, written


def test_a_crafted_pickle_in_the_cache_runs_nothing(
    layout: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    cold, written = warm(layout)
    marker = tmp_path / "payload-ran"
    written.write_bytes(crafted_pickle(marker))
    # The payload works, so its silence below means something.
    pickle.loads(written.read_bytes())
    assert marker.exists()
    marker.unlink()
    assert run(layout[0], layout[1]) == cold
    assert not marker.exists()
    assert written.read_bytes()[:1] != b"\x80", "replaced by a data-only cache"


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: os.urandom(len(data)), id="random-bytes"),
        pytest.param(lambda data: msgspec.msgpack.encode("not a cache"), id="wrong-type"),
        pytest.param(
            lambda data: msgspec.msgpack.encode(
                {path: {**entry, "relevant": "yes"} for path, entry in _raw(data).items()}
            ),
            id="field-of-wrong-type",
        ),
        pytest.param(
            lambda data: msgspec.msgpack.encode(
                {path: [entry["digest"], entry["relevant"]] for path, entry in _raw(data).items()}
            ),
            id="another-layout",
        ),
    ],
)
def test_damaged_caches_are_rebuilt(
    layout: tuple[Path, Path, Path], damage: Callable[[bytes], bytes]
) -> None:
    cold, written = warm(layout)
    damaged = damage(written.read_bytes())
    written.write_bytes(damaged)
    assert run(layout[0], layout[1]) == cold
    assert written.read_bytes() != damaged, "rebuilt"
    assert run(layout[0], layout[1]) == cold


def _raw(data: bytes) -> dict[str, dict[str, object]]:
    decoded = msgspec.msgpack.decode(data)
    assert isinstance(decoded, dict)
    return decoded


def forged(data: bytes) -> bytes:
    """A valid cache whose parsed files hold nothing: believed, it hides every finding."""
    entries = msgspec.msgpack.Decoder(dict[str, Entry]).decode(data)
    emptied = {
        path: replace(entry, parsed=ModuleFacts(entry.parsed.path)) if entry.parsed else entry
        for path, entry in entries.items()
    }
    return msgspec.msgpack.encode(emptied)


def test_the_forged_cache_would_be_believed_where_it_belongs(
    layout: tuple[Path, Path, Path],
) -> None:
    """The control for the link tests below: planted as a regular file of ours, the
    forged cache is read (a cache can mislead, never run code), so a run that ignores it
    behind a link really did not read it."""
    cold, written = warm(layout)
    written.write_bytes(forged(written.read_bytes()))
    assert "SIG001" not in run(layout[0], layout[1])
    written.unlink()
    assert run(layout[0], layout[1]) == cold


def test_a_symlinked_cache_file_is_neither_read_nor_written_through(
    layout: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    cold, written = warm(layout)
    elsewhere = tmp_path / "elsewhere.msgpack"
    elsewhere.write_bytes(forged(written.read_bytes()))
    before = elsewhere.read_bytes()
    written.unlink()
    written.symlink_to(elsewhere)
    assert run(layout[0], layout[1]) == cold
    assert elsewhere.read_bytes() == before, "never written through the link"
    assert not written.is_symlink() and written.is_file(), "the link is replaced"


def test_a_huge_cache_file_is_not_read(layout: tuple[Path, Path, Path]) -> None:
    cold, written = warm(layout)
    with written.open("r+b") as handle:  # sparse: takes no room on the disk
        handle.truncate(MAX_BYTES + 1)
    assert run(layout[0], layout[1]) == cold
    assert written.stat().st_size < MAX_BYTES


def test_a_fifo_at_the_cache_path_does_not_block(layout: tuple[Path, Path, Path]) -> None:
    cold, written = warm(layout)
    written.unlink()
    os.mkfifo(written)
    assert run(layout[0], layout[1]) == cold  # would hang on a blocking open
    assert written.is_file()


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="chown needs root")
def test_a_cache_file_of_another_user_is_not_read(layout: tuple[Path, Path, Path]) -> None:
    cold, written = warm(layout)
    written.write_bytes(forged(written.read_bytes()))
    os.chown(written, 1, 1)
    assert run(layout[0], layout[1]) == cold
    assert written.stat().st_uid == 0, "replaced by one of ours"


def test_read_untrusted_accepts_only_small_regular_files_of_ours(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_bytes(b"data")
    link = tmp_path / "link"
    link.symlink_to(plain)
    assert read_untrusted(str(plain), 10) == b"data"
    assert read_untrusted(str(plain), 3) is None
    assert read_untrusted(str(link), 10) is None
    assert read_untrusted(str(tmp_path), 10) is None
    assert read_untrusted(str(tmp_path / "missing"), 10) is None


# -- the cache follows the code --------------------------------------------------------


def test_the_cache_holds_what_it_was_given(tmp_path: Path) -> None:
    from signallint.pipeline import analyse_file

    facts = analyse_file(str(ROOT / "examples" / "shop" / "orders" / "signals.py")).facts
    entry = Entry(b"0" * 16, True, parsed=facts)
    first = FactsCache(str(tmp_path), ["scope"])
    first.put("a.py", entry)
    first.save(["a.py"])
    assert FactsCache(str(tmp_path), ["scope"]).get("a.py", b"0" * 16) == entry
    assert FactsCache(str(tmp_path), ["other scope"]).get("a.py", b"0" * 16) is None


def package_copy(tmp_path: Path) -> Path:
    """signallint's own code in a directory of its own, to change without harm."""
    copy = tmp_path / "code"
    shutil.copytree(
        ROOT / "signallint", copy / "signallint", ignore=shutil.ignore_patterns("__pycache__")
    )
    return copy


def parses_of_a_run(code: Path, site: Path, cache: Path) -> int:
    """How many texts a run of the signallint in ``code`` parses on ``site``."""
    driver = (
        "import sys\n"
        "from signallint import engine, sources\n"
        "from signallint.settings import Settings\n"
        "assert sources.__file__.startswith(sys.argv[1]), sources.__file__\n"
        "parsed = []\n"
        "real = sources.parse\n"
        "def counting(text, **options):\n"
        "    parsed.append(text)\n"
        "    return real(text, **options)\n"
        "sources.parse = counting\n"
        "engine.check_paths([sys.argv[2]], Settings(jobs=1, cache_dir=sys.argv[3]))\n"
        "print(len(parsed))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", driver, str(code), str(site), str(cache)],
        env={**os.environ, "PYTHONPATH": str(code)},
        cwd=code,  # not the checkout, whose signallint would come first
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def test_a_changed_collector_parses_again_and_an_unchanged_one_does_not(
    tmp_path: Path,
) -> None:
    """The bug this guards against: the cache was keyed on the version number only, so a
    changed collector (or a pre-commit hook of a new revision, still 0.1.0) kept serving
    the facts the old one had found."""
    code, site, cache = package_copy(tmp_path), project(tmp_path, None), tmp_path / "cache"
    cold = parses_of_a_run(code, site, cache)
    assert cold > 0
    assert parses_of_a_run(code, site, cache) == 0, "unchanged code parses nothing warm"
    collector = code / "signallint" / "collect.py"
    if not collector.exists():
        collector = code / "signallint" / "collect" / "__init__.py"
    collector.write_text(collector.read_text() + "\n# a change to the collector\n")
    assert parses_of_a_run(code, site, cache) == cold, "changed code parses again"
    assert parses_of_a_run(code, site, cache) == 0


def test_the_code_digest_covers_every_file_of_the_package(tmp_path: Path) -> None:
    code = package_copy(tmp_path)
    digest = "import sys; from signallint.cache import code_digest; print(code_digest())"

    def digest_of_copy() -> str:
        return subprocess.run(
            [sys.executable, "-c", digest],
            env={**os.environ, "PYTHONPATH": str(code)},
            cwd=code,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    original = digest_of_copy()
    assert original == digest_of_copy(), "stable for unchanged code"
    assert original == code_digest(), "the same for the same files anywhere"
    seen = {original}
    for name in ["rules/sig001_receiver_missing_kwargs.py", "facts.py", "py.typed"]:
        changed = code / "signallint" / name
        changed.write_bytes(changed.read_bytes() + b"\n")
        seen.add(digest_of_copy())
    assert len(seen) == 4, "each change gives a digest of its own"
    (code / "signallint" / "__pycache__").mkdir(exist_ok=True)
    (code / "signallint" / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert digest_of_copy() in seen, "compiled files do not count"


def test_the_cache_file_is_named_after_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = FactsCache(str(tmp_path), ["scope"]).file
    monkeypatch.setattr(cache_module, "code_digest", lambda: "another signallint")
    assert FactsCache(str(tmp_path), ["scope"]).file != first
