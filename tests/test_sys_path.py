"""What a module adds to sys.path (signallint/sys_path.py), and which of its imports run
whenever it does (``ImportFact.unconditional``), for SIG309."""

from __future__ import annotations

import pytest

from signallint import imports_scan, sys_path
from signallint.pipeline import analyse

HEADER = "import os\nimport sys\nfrom pathlib import Path\n"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # Django's own templates and the spellings projects copy from them.
        (
            "BASE_DIR = Path(__file__).resolve().parent.parent\n"
            'sys.path.insert(0, str(BASE_DIR / "apps"))\n',
            ("../apps",),
        ),
        (
            "BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n"
            'sys.path.insert(0, os.path.join(BASE_DIR, "apps"))\n',
            ("../apps",),
        ),
        (
            'sys.path.append(str(Path(__file__).resolve(strict=True).parents[1] / "lib"))\n',
            ("../lib",),
        ),
        ('sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))\n', ("../src",)),
        ("sys.path.append(os.path.dirname(__file__))\n", (".",)),
        (
            "sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.path.pardir))\n",
            ("..",),
        ),
        (
            "BASE_DIR = os.path.dirname(os.path.abspath(__file__))\n"
            "sys.path.insert(0, os.path.abspath(os.path.join(BASE_DIR, os.pardir)))\n",
            ("..",),
        ),
        (
            'ROOT = Path(__file__).parent\nsys.path.extend([str(ROOT / "a"), str(ROOT / "b")])\n',
            ("a", "b"),
        ),
        ('ROOT = Path(__file__).parent\nsys.path += [str(ROOT / "a")]\n', ("a",)),
        ('sys.path.insert(0, "/srv/site/apps")\n', ("/srv/site/apps",)),
        ('import site\nsite.addsitedir(str(Path(__file__).parent / "vendor"))\n', ("vendor",)),
        # cookiecutter-django's manage.py: in the __main__ block.
        (
            'if __name__ == "__main__":\n'
            "    current_path = Path(__file__).parent.resolve()\n"
            '    sys.path.append(str(current_path / "myproject"))\n',
            ("myproject",),
        ),
        # Unknown: nothing.
        ('sys.path.insert(0, os.environ["APPS_DIR"])\n', ()),
        ('from .base import BASE_DIR\nsys.path.insert(0, str(BASE_DIR / "apps"))\n', ()),
        ('sys.path.insert(0, os.path.join(os.getcwd(), "apps"))\n', ()),
        ('sys.path.insert(0, "apps")\n', ()),  # relative to the working directory
        # Inside a function or an if: may not run.
        ('def setup():\n    sys.path.insert(0, "/srv/x")\n', ()),
        ('if os.environ.get("X"):\n    sys.path.insert(0, "/srv/x")\n', ()),
        # A name rebound by a def or in a branch is forgotten.
        (
            "BASE = Path(__file__).parent\n"
            "if True:\n    BASE = Path('/elsewhere')\n"
            'sys.path.insert(0, str(BASE / "apps"))\n',
            (),
        ),
        ("sys.path.insert(0, os.path.join(\n", ()),  # not Python: nothing, no error
    ],
)
def test_directories_added_to_sys_path(code: str, expected: tuple[str, ...]) -> None:
    assert sys_path.scan((HEADER + code).encode()) == expected


def test_a_file_that_never_mentions_sys_path_is_not_parsed() -> None:
    assert sys_path.scan(b"this is not Python at all (") == ()


def test_the_scanner_tells_statements_of_the_module_body() -> None:
    code = (
        '"""Docs.\n'
        "from shop import in_docstring\n"
        '"""\n'
        "import shop.top\n"
        "from shop import also_top\n"
        "if True:\n"
        "    import shop.indented\n"
        "try: import shop.after_colon\n"
        "except ImportError: pass\n"
        "x = 1; import shop.after_semicolon\n"
        "'''\n"
        "import shop.in_string\n"
        "'''\n"
        "import shop.last\n"
    )
    found = [(i.module, i.names, i.top) for i in imports_scan.scan_imports(code.encode())]
    assert found == [
        ("shop", ("in_docstring",), False),
        ("shop.top", (), True),
        ("shop", ("also_top",), True),
        ("shop.indented", (), False),
        ("shop.after_colon", (), False),
        ("shop.after_semicolon", (), False),
        ("shop.in_string", (), False),
        ("shop.last", (), True),
    ]


def unconditional(code: str) -> dict[tuple[str, str | None], bool]:
    facts = analyse("shop/apps.py", code.encode(), "shop", "shop.apps", project=True).facts
    assert facts.wiring is not None
    return {(i.module, i.owner): i.unconditional for i in facts.wiring.imports}


def test_the_collector_tells_imports_that_always_run() -> None:
    code = (
        "import contextlib\n"
        "from django.apps import AppConfig\n"
        "try:\n    import shop.in_try\nexcept ImportError:\n    import shop.in_handler\n"
        "if False:\n    import shop.in_if\n"
        "class ShopConfig(AppConfig):\n"
        "    name = 'shop'\n"
        "    def ready(self):\n"
        "        from . import signals\n"
        "        with contextlib.suppress(ImportError):\n"
        "            import shop.in_with\n"
        "        for x in ():\n"
        "            import shop.in_loop\n"
    )
    assert unconditional(code) == {
        ("contextlib", None): True,
        ("django.apps", None): True,
        ("shop.in_try", None): True,
        ("shop.in_handler", None): False,
        ("shop.in_if", None): False,
        ("shop", "ShopConfig.ready"): True,
        ("shop.in_with", "ShopConfig.ready"): True,
        ("shop.in_loop", "ShopConfig.ready"): False,
    }
