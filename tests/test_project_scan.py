"""The text scanner that reads the imports of files the project analysis never parses.

It may take import-like text in strings and comments for imports (that only makes more
modules look reachable); it must never miss a real import statement. Python's own parser
is the reference: on Django's source tree, every import ``ast`` sees, the scanner sees.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from signallint.imports_scan import ScannedImport, scan, scan_dynamic_imports, scan_imports


def imports(source: str) -> list[tuple[int, str, tuple[str, ...]]]:
    found = scan_imports(textwrap.dedent(source).encode())
    return [(i.level, i.module, i.names) for i in found]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("import a.b.c\n", [(0, "a.b.c", ())], id="dotted"),
        pytest.param(
            "import a as x, b.c as y, d\n",
            [(0, "a", ()), (0, "b.c", ()), (0, "d", ())],
            id="aliases",
        ),
        pytest.param("from . import signals\n", [(1, "", ("signals",))], id="relative"),
        pytest.param(
            "from ..models import Order as O, Refund\n",
            [(2, "models", ("Order", "Refund"))],
            id="parent-relative",
        ),
        pytest.param("from.signals import x\n", [(1, "signals", ("x",))], id="no-space"),
        pytest.param("from . . import x\n", [(2, "", ("x",))], id="spaced-dots"),
        pytest.param("from a . b import c\n", [(0, "a.b", ("c",))], id="spaced-name"),
        pytest.param(
            """
            from . import (
                a,  # first (see a.py)
                b as bee,
                c,
            )
            """,
            [(1, "", ("a", "b", "c"))],
            id="parenthesised",
        ),
        pytest.param(
            "from shop.receivers \\\n    import orders\n",
            [(0, "shop.receivers", ("orders",))],
            id="backslash-from",
        ),
        pytest.param(
            "import a, \\\n    b\n",
            [(0, "a", ()), (0, "b", ())],
            id="backslash-import",
        ),
        pytest.param(
            "x = 1; import a; from b import c\n",
            [(0, "a", ()), (0, "b", ("c",))],
            id="semicolons",
        ),
        pytest.param(
            "if TYPE_CHECKING: import a\ntry: from . import b\nexcept ImportError: pass\n",
            [(0, "a", ()), (1, "", ("b",))],
            id="after-colon",
        ),
        pytest.param(
            """
            def ready(self):
                import shop.signals  # noqa: F401
                from . import handlers
            """,
            [(0, "shop.signals", ()), (1, "", ("handlers",))],
            id="in-functions",
        ),
        pytest.param("from x import *\n", [(0, "x", ("*",))], id="star"),
        pytest.param(
            "import a\r\nimport b\rimport c\n",
            [(0, "a", ()), (0, "b", ()), (0, "c", ())],
            id="line-ends",
        ),
        pytest.param("important = 1\nfrom_date = 2\nimportlib = 3\n", [], id="not-keywords"),
    ],
)
def test_import_statements(source: str, expected: list[tuple[int, str, tuple[str, ...]]]) -> None:
    assert imports(source) == expected


def test_text_in_strings_may_count_as_imports() -> None:
    # Over-approximation is harmless: it can only make a module look imported.
    found = imports('"""\nimport shop.signals\n"""\n')
    assert found == [(0, "shop.signals", ())]


def test_quoted_dotted_names_and_settings_hints() -> None:
    scanned = scan(
        b'INSTALLED_APPS = ["shop", "shop.apps.ShopConfig"]\n'
        b'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
        b'if __name__ == "__main__":\n    main()\n'
        b'x = f"{a}.b"\n'
    )
    assert scanned.strings == ("mysite.settings", "shop.apps.ShopConfig")
    assert scanned.assigns_installed_apps
    assert scanned.settings_modules == ("mysite.settings",)
    assert scanned.is_script


@pytest.mark.parametrize(
    ("call", "names"),
    [
        ('import_module("shop.signals")', ("shop.signals",)),
        ('importlib.import_module(f"{app}.signals")', ("*.signals",)),
        ('import_module("%s.signals" % app)', ("*.signals",)),
        ('import_module("{}.hooks".format(app))', ("*.hooks",)),
        ('import_module(app + ".signals")', ("*.signals",)),
        ('import_module(".signals", package=__name__)', ("*.signals",)),
        ('__import__(f"{__name__}.{name}")', ("pkg.mod.*",)),
        ('import_module(\n    "a.b"  # the module\n)', ("a.b",)),
        ("import_module('''x.y''')", ("x.y",)),
        ("import_module(name)", ("*",)),
        ('import_module(".".join([a, "signals"]))', ("*",)),
        (
            'autodiscover_modules("signals", "receivers", register_to=site)',
            ("signals", "receivers"),
        ),
        ('spec_from_file_location("m", path)', ("*",)),
    ],
)
def test_dynamic_import_patterns(call: str, names: tuple[str, ...]) -> None:
    [found] = scan_dynamic_imports(call.encode(), "pkg.mod")
    assert found.names == names


def test_unknown_dynamic_names_bring_the_files_identifier_literals_as_hints() -> None:
    scanned = scan(b'for name in ("signals", "hooks"):\n    import_module(name)\n')
    assert scanned.hints == ("hooks", "signals")
    assert scan(b'import_module("a.b")\nx = "signals"\n').hints == ()


def _ast_imports(tree: ast.AST) -> set[tuple[int, str, str | None]]:
    found: set[tuple[int, str, str | None]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((0, alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.update((node.level, node.module or "", alias.name) for alias in node.names)
    return found


def _scanned(found: tuple[ScannedImport, ...]) -> set[tuple[int, str, str | None]]:
    result: set[tuple[int, str, str | None]] = set()
    for item in found:
        if item.is_from:
            result.update((item.level, item.module, name) for name in item.names)
        else:
            result.add((0, item.module, None))
    return result


def test_finds_every_import_of_djangos_source_tree() -> None:
    django = pytest.importorskip("django")
    root = Path(django.__file__).parent
    files = checked = 0
    for path in sorted(root.rglob("*.py")):
        data = path.read_bytes()
        try:
            tree = ast.parse(data)
        except SyntaxError:  # a template file such as an app_template
            continue
        files += 1
        expected = _ast_imports(tree)
        missing = expected - _scanned(scan_imports(data))
        assert not missing, f"{path}: {sorted(missing)}"
        checked += len(expected)
    assert files > 800
    assert checked > 5000
