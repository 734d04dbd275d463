"""Bad input: one clear line each, the other files still checked, never a traceback.

Each case writes a troublesome file next to a file with one known finding (``good.py``
holds a receiver without ``**kwargs``), runs the real command in a subprocess and checks
the exit status, that the known finding is still reported, and what was said about the
troublesome file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

KNOWN = textwrap.dedent(
    """\
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save)
    def on_save(sender, instance):
        pass
    """
)
KNOWN_LINE = "good.py:6:5: SIG001 "
SIGNALLY = "from django.dispatch import receiver\n"


def run(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "signallint", *args],
        cwd=cwd,
        input=stdin.decode("latin-1") if stdin is not None else None,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def lines_about(result: subprocess.CompletedProcess[str], name: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith(name)]


Writer = Callable[[Path], None]


def write_bytes(data: bytes) -> Writer:
    return lambda path: path.write_bytes(data)


@pytest.mark.parametrize(
    ("writer", "expected"),
    [
        pytest.param(
            write_bytes(SIGNALLY.encode() + b'print "hello"\n'),
            ["bad.py:2:1: SIG902 syntax error"],
            id="python-2-code",
        ),
        pytest.param(
            write_bytes(SIGNALLY.encode() + b"def on_save(sender,\n"),
            ["bad.py:2:12: SIG902 syntax error: '(' was never closed"],
            id="partial-edit",
        ),
        pytest.param(
            write_bytes(SIGNALLY.encode() + b"x = 1\x00\n"),
            ["bad.py:2:1: SIG902 syntax error: source contains a null byte"],
            id="null-byte",
        ),
        pytest.param(
            write_bytes(SIGNALLY.encode() + b"x = '\xff\xfe'\n"),
            ["bad.py:2:1: SIG901 cannot decode file: invalid utf-8 bytes"],
            id="invalid-utf8",
        ),
        pytest.param(
            write_bytes(b"# -*- coding: klingon -*-\n" + SIGNALLY.encode()),
            ["bad.py:1:1: SIG901 cannot decode file: unknown encoding: klingon"],
            id="unknown-coding-cookie",
        ),
        pytest.param(
            write_bytes(b"# coding: ascii\n" + SIGNALLY.encode() + "x = 'é'\n".encode()),
            ["bad.py:3:1: SIG901 cannot decode file: invalid ascii bytes"],
            id="wrong-coding-cookie",
        ),
        pytest.param(
            write_bytes(b"\xef\xbb\xbf# coding: latin-1\n" + SIGNALLY.encode()),
            ["bad.py:1:1: SIG901 cannot decode file: encoding problem"],
            id="bom-contradicts-cookie",
        ),
    ],
)
def test_broken_file_is_one_line_and_the_run_goes_on(
    tmp_path: Path, writer: Writer, expected: list[str]
) -> None:
    (tmp_path / "good.py").write_text(KNOWN)
    writer(tmp_path / "bad.py")
    result = run(".", cwd=tmp_path)
    assert result.returncode == 1
    assert lines_about(result, "good.py")[0].startswith(KNOWN_LINE)
    about = lines_about(result, "bad.py")
    assert len(about) == len(expected), result.stdout
    for line, start in zip(about, expected, strict=True):
        assert line.startswith(start), line


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xef\xbb\xbf" + KNOWN.encode(), id="utf8-bom"),
        pytest.param(KNOWN.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(KNOWN.replace("\n", "\r").encode(), id="cr"),
        pytest.param(KNOWN.replace("    pass", "\tpass").encode(), id="tabs"),
        pytest.param(KNOWN.replace("\n\n\n", "\n\x0c\n\n").encode(), id="form-feed"),
        pytest.param(
            b"# -*- coding: latin-1 -*-\n# \xe9t\xe9\n" + KNOWN.encode(), id="latin-1-cookie"
        ),
    ],
)
def test_unusual_but_valid_files_are_checked_normally(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "good.py").write_bytes(data)
    result = run(".", cwd=tmp_path)
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    shift = 2 if b"latin-1" in data else 0
    assert line.startswith(f"good.py:{6 + shift}:5: SIG001 "), line


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("type Pair[T] = tuple[T, T]\n", id="pep-695-alias"),
        pytest.param("def first[T](items: list[T]) -> T:\n    return items[0]\n", id="pep-695"),
        pytest.param('x = f"{"nested"}"\n', id="pep-701-fstring"),
        pytest.param("try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", id="pep-758"),
    ],
)
def test_newer_python_syntax_is_valid_input(tmp_path: Path, source: str) -> None:
    (tmp_path / "good.py").write_text(KNOWN + source)
    result = run(".", cwd=tmp_path)
    assert [line.split(" ")[1] for line in result.stdout.splitlines()] == ["SIG001"]


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_bytes(b"")
    result = run("empty.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_huge_generated_file(tmp_path: Path) -> None:
    line = "VALUE_{0} = {{'signal': {0}, 'receiver': [{0}, {0} + 1]}}\n"
    body = "".join(line.format(i) for i in range(330_000))
    (tmp_path / "generated.py").write_text(SIGNALLY + body)
    assert (tmp_path / "generated.py").stat().st_size > 20_000_000
    (tmp_path / "good.py").write_text(KNOWN)
    result = run(".", cwd=tmp_path)
    assert result.returncode == 1
    assert lines_about(result, "good.py")[0].startswith(KNOWN_LINE)
    assert lines_about(result, "generated.py") == [
        "generated.py:1:1: SIG901 file not checked: larger than 10 MB"
    ]


def test_deeply_nested_expression(tmp_path: Path) -> None:
    nested = "x = " + "(" * 1000 + "1" + ")" * 1000 + "\n"
    (tmp_path / "deep.py").write_text(SIGNALLY + nested)
    (tmp_path / "good.py").write_text(KNOWN)
    result = run(".", cwd=tmp_path)
    assert result.returncode == 1
    assert lines_about(result, "good.py")[0].startswith(KNOWN_LINE)
    about = lines_about(result, "deep.py")
    assert all(" SIG902 " in line for line in about) and len(about) <= 1


def test_directory_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "good.py").write_text(KNOWN)
    os.symlink(tmp_path / "app", tmp_path / "app" / "loop")
    result = run(".", cwd=tmp_path)
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["app/good.py"]


def test_broken_symlink(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(KNOWN)
    os.symlink(tmp_path / "gone.py", tmp_path / "dangling.py")
    result = run(".", cwd=tmp_path)
    assert lines_about(result, "dangling.py") == [
        "dangling.py:1:1: SIG901 cannot read file: broken symbolic link"
    ]
    assert lines_about(result, "good.py")[0].startswith(KNOWN_LINE)


def test_symlink_out_of_the_tree_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "bad.py").write_text(KNOWN)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "good.py").write_text(KNOWN)
    os.symlink(outside, tree / "linked_dir")
    os.symlink(outside / "bad.py", tree / "linked.py")
    result = run(".", cwd=tree)
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["good.py"]


def test_directory_named_like_a_python_file(tmp_path: Path) -> None:
    (tmp_path / "package.py").mkdir()
    (tmp_path / "package.py" / "good.py").write_text(KNOWN)
    result = run("package.py", cwd=tmp_path)
    assert result.stdout.startswith("package.py/good.py:6:5: SIG001")


@pytest.mark.skipif(not os.path.exists("/proc/1/mem"), reason="needs Linux's /proc")
def test_unreadable_file(tmp_path: Path) -> None:
    # /proc/1/mem cannot be read even by root, unlike a file with mode 000.
    (tmp_path / "good.py").write_text(KNOWN)
    result = run("/proc/1/mem", "good.py", cwd=tmp_path)
    assert result.returncode == 1
    assert lines_about(result, "/proc/1/mem") == [
        "/proc/1/mem:1:1: SIG901 cannot read file: Permission denied"
    ]
    assert lines_about(result, "good.py")[0].startswith(KNOWN_LINE)


def test_file_deleted_between_discovery_and_reading(tmp_path: Path) -> None:
    from signallint import discovery, pipeline

    (tmp_path / "gone.py").write_text(KNOWN)
    [(path, problem)] = list(discovery.discover([str(tmp_path)], ()))
    os.unlink(path)
    facts = pipeline.analyse_file(path, problem).facts
    assert [(p.code, p.message) for p in facts.problems] == [
        ("SIG901", "cannot read file: No such file or directory")
    ]


def test_non_python_file_named_explicitly(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text(
        "Write `from django.dispatch import receiver`; receivers accept **kwargs.\n"
    )
    result = run("notes.txt", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("notes.txt:1:")
    assert " SIG902 syntax error" in result.stdout


def test_paths_with_spaces_and_non_ascii_names(tmp_path: Path) -> None:
    folder = tmp_path / "mes signaux é"
    folder.mkdir()
    (folder / "reçu.py").write_text(KNOWN)
    result = run(".", cwd=tmp_path)
    assert result.stdout.startswith("mes signaux é/reçu.py:6:5: SIG001 ")


def test_stdin_with_a_filename(tmp_path: Path) -> None:
    result = run("-", "--stdin-filename", "shop/good.py", cwd=tmp_path, stdin=KNOWN.encode())
    assert result.returncode == 1
    assert result.stdout.startswith("shop/good.py:6:5: SIG001 ")


def test_undecodable_stdin(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "signallint", "-"],
        cwd=tmp_path,
        input=SIGNALLY.encode() + b"x = '\xff'\n",
        capture_output=True,
        check=False,
    )
    assert b"Traceback" not in result.stderr
    assert result.stdout.startswith(b"-:2:1: SIG901 cannot decode file")


def test_an_internal_error_is_one_line_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from signallint import check_paths, collect

    real_collect = collect.collect

    def fail_on_bad(path: str, *args: object, **kwargs: object) -> object:
        if path.endswith("bad.py"):
            raise KeyError("simulated bug")
        return real_collect(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(collect, "collect", fail_on_bad)
    (tmp_path / "bad.py").write_text(KNOWN)
    (tmp_path / "good.py").write_text(KNOWN)
    found = [
        (Path(d.path).name, d.code, d.message) for d in check_paths([str(tmp_path)]).diagnostics
    ]
    assert found[0][:2] == ("bad.py", "SIG903")
    assert found[0][2].startswith("internal error (KeyError at test_bad_input.py:")
    assert found[0][2].endswith("'simulated bug'); please report it")
    assert [f[:2] for f in found[1:]] == [("good.py", "SIG001")]
