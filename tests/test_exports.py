"""Names re-exported by packages: followed to where they are defined (signallint/exports.py),
read from real collected facts and from the text scanner."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from signallint import check_paths, check_source
from signallint.exports import Exports
from signallint.facts import FILE_START, ImportFact, ModelClass, ModuleFacts, SignalDef, Wiring
from signallint.imports_scan import scan_exports, scan_imports


def module(
    name: str,
    *imports: ImportFact,
    exports: tuple[str, ...] | None = None,
    signals: tuple[str, ...] = (),
    models: tuple[str, ...] = (),
) -> ModuleFacts:
    return ModuleFacts(
        path=name.replace(".", "/") + ".py",
        module=name,
        signal_defs=tuple(
            SignalDef(f"{name}.{s}", False, False, None, FILE_START) for s in signals
        ),
        model_classes=tuple(ModelClass(f"{name}.{m}", (), FILE_START) for m in models),
        wiring=Wiring(imports=imports, exports=exports),
    )


# Every name the cases below look up.
EVERY_NAME = (
    "shop.models.Product",
    "shop.models.Base",
    "shop.models.Tag",
    "shop.models.Draft",
    "shop.models.Shelf",
    "shop.models._Hidden",
    "shop.order_paid",
    "shop.signals.order_paid",
    "shop.render.render",
    "a.x",
    "b.x",
    "shop.signals",
)


def star(source: str) -> ImportFact:
    return ImportFact(source, ("*",), is_from=True)


def from_(source: str, *names: str, renamed: tuple[tuple[str, str], ...] = ()) -> ImportFact:
    return ImportFact(source, names, is_from=True, renamed=renamed)


def test_a_name_imported_into_a_package_is_the_original() -> None:
    exports = Exports(
        [
            module("shop.models", from_("shop.models.products", "Product")),
            module("shop.models.products", models=("Product",)),
        ]
    )
    assert exports.aliases(EVERY_NAME) == {"shop.models.Product": "shop.models.products.Product"}


def test_as_binds_the_new_name_only() -> None:
    exports = Exports(
        [module("shop.models", from_("shop.base", "Product", renamed=(("Product", "Base"),)))]
    )
    assert exports.aliases(EVERY_NAME) == {"shop.models.Base": "shop.base.Product"}


def test_chains_are_followed_to_the_end() -> None:
    exports = Exports(
        [
            module("shop", from_("shop.signals", "order_paid")),
            module("shop.signals", star("shop.signals.orders")),
            module("shop.signals.orders", signals=("order_paid",)),
        ]
    )
    assert exports.aliases(EVERY_NAME) == {
        "shop.order_paid": "shop.signals.orders.order_paid",
        "shop.signals.order_paid": "shop.signals.orders.order_paid",
    }


def test_a_star_import_takes_all_or_the_public_names() -> None:
    exports = Exports(
        [
            module("shop.models", star("shop.models.tags"), star("shop.models.shelves")),
            module("shop.models.tags", exports=("Tag",), models=("Tag", "Draft")),
            module("shop.models.shelves", models=("Shelf", "_Hidden")),
        ]
    )
    assert exports.aliases(EVERY_NAME) == {
        "shop.models.Tag": "shop.models.tags.Tag",
        "shop.models.Shelf": "shop.models.shelves.Shelf",
    }


def test_a_name_bound_two_different_ways_is_unknown() -> None:
    exports = Exports(
        [
            # try: from .fast import render / except ImportError: from .slow import render
            module("shop.render", from_("shop.fast", "render"), from_("shop.slow", "render")),
            # a star import and a definition of its own
            module("shop.models", star("shop.models.base"), models=("Product",)),
            module("shop.models.base", models=("Product",)),
        ]
    )
    assert exports.aliases(EVERY_NAME) == {}
    assert exports.resolve("shop.render.render") is None
    assert exports.resolve("shop.models.Product") is None


def test_import_cycles_end() -> None:
    exports = Exports(
        [
            module("a", from_("b", "x"), star("b")),
            module("b", from_("a", "x"), star("a")),
            module("shop", from_("shop", "signals")),
        ]
    )
    assert exports.aliases(EVERY_NAME) == {}
    assert exports.resolve("a.x") is None
    assert exports.resolve("shop.signals") == "shop.signals"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('__all__ = ["A", "B",\n    # a comment\n    "C",\n]\n', ("A", "B", "C")),
        ("__all__ = ('A',)\n", ("A",)),
        ("__all__: list[str] = []  # nothing\n", ()),
        ('__all__ = ["A"] + base.__all__\n', None),
        ('__all__ = ["A"]\n__all__ += ["B"]\n', None),
        ('__all__ = ["A", NAME]\n', None),
        ('if X:\n    __all__ = ["A"]\n', None),
        ("x = 1\n", None),
    ],
)
def test_a_literal_all_is_read_from_the_text(text: str, names: tuple[str, ...] | None) -> None:
    assert scan_exports(text.encode()) == names


def test_the_scanner_keeps_what_as_renames() -> None:
    (imported,) = scan_imports(b"from .base import (Product as Base,\n    Tag)\n")
    assert imported.names == ("Product", "Tag")
    assert imported.renamed == (("Product", "Base"),)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


PROJECT = {
    "manage.py": "",
    "mysite/__init__.py": "",
    "mysite/settings.py": 'INSTALLED_APPS = ["shop"]\n',
    "shop/__init__.py": "",
    "shop/apps.py": """\
        from django.apps import AppConfig


        class ShopConfig(AppConfig):
            name = "shop"

            def ready(self):
                from . import receivers  # noqa: F401
        """,
    "shop/signals/__init__.py": "from .orders import order_paid as paid\n",
    "shop/signals/orders.py": """\
        from django.dispatch import Signal

        order_paid = Signal()


        def pay(order):
            order_paid.send(sender=None, order=order)
        """,
    "shop/receivers.py": """\
        from django.dispatch import receiver

        from shop.signals import paid


        @receiver(paid)
        def on_paid(sender, order, amount, **kwargs):
            pass
        """,
}


def test_a_renamed_re_export_is_followed_in_a_project(tmp_path: Path) -> None:
    write(tmp_path, PROJECT)
    found = check_paths([str(tmp_path)]).diagnostics
    assert [(d.path.rsplit("/", 1)[-1], d.code) for d in found] == [("receivers.py", "SIG002")]


def test_one_file_alone_knows_no_re_export() -> None:
    source = textwrap.dedent(PROJECT["shop/receivers.py"])
    assert check_source(source, "shop/receivers.py", package="shop") == []
