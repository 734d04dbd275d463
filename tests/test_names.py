"""Name resolution: aliases, attribute chains, relative and conditional imports, shadowing.

Each case is a module whose *last* expression statement is resolved; the expected value
is the set of fully qualified names it may refer to (empty: unknown, so never reported).
"""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from signallint.names import Scope, ScopeBuilder, absolute_module


class _LastExpression(ScopeBuilder):
    def __init__(self, package: str | None) -> None:
        super().__init__(package)
        self.last: tuple[cst.BaseExpression, Scope] | None = None

    def visit_Expr(self, node: cst.Expr) -> None:
        self.last = (node.value, self.scope)


def resolve_last(source: str, package: str | None = "shop") -> set[str]:
    module = cst.parse_module(textwrap.dedent(source))
    visitor = _LastExpression(package)
    module.visit(visitor)
    assert visitor.last is not None
    return set(visitor.resolve_expression(*visitor.last))


POST_SAVE = "django.db.models.signals.post_save"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "from django.db.models.signals import post_save\npost_save\n",
            {POST_SAVE},
            id="from-import",
        ),
        pytest.param(
            "from django.db.models.signals import post_save as ps\nps\n",
            {POST_SAVE},
            id="from-import-alias",
        ),
        pytest.param(
            "from django.db.models import signals\nsignals.post_save\n",
            {POST_SAVE},
            id="module-from-package",
        ),
        pytest.param(
            "import django.db.models.signals as s\ns.post_save\n", {POST_SAVE}, id="import-as"
        ),
        pytest.param(
            "import django.db.models.signals\ndjango.db.models.signals.post_save\n",
            {POST_SAVE},
            id="dotted-import",
        ),
        pytest.param(
            "import django\ndjango.db.models.signals.post_save\n",
            {POST_SAVE},
            id="attribute-chain-from-package",
        ),
        pytest.param("post_save\n", set(), id="unbound"),
        pytest.param(
            "from django.db.models.signals import post_save\npost_save = object()\npost_save\n",
            set(),
            id="shadowed-by-assignment",
        ),
        pytest.param(
            """
            from django.db.models.signals import post_save
            def f(post_save):
                post_save
            """,
            set(),
            id="shadowed-by-parameter",
        ),
        pytest.param(
            """
            from django.db.models.signals import post_save
            def f():
                post_save
            """,
            {POST_SAVE},
            id="module-name-seen-from-function",
        ),
        pytest.param(
            """
            def f():
                post_save
            from django.db.models.signals import post_save
            """,
            {POST_SAVE},
            id="import-after-use-in-function",
        ),
        pytest.param(
            """
            from django.db.models.signals import post_save
            class A:
                post_save = None
                def method(self):
                    post_save
            """,
            {POST_SAVE},
            id="class-body-is-not-an-enclosing-scope",
        ),
        pytest.param(
            """
            from django.db.models.signals import post_save
            class A:
                post_save = None
                post_save
            """,
            set(),
            id="class-body-binding-seen-in-class-body",
        ),
        pytest.param(
            """
            def f():
                from django.db.models.signals import post_save
                post_save
            """,
            {POST_SAVE},
            id="import-inside-function",
        ),
        pytest.param(
            """
            def f():
                from django.db.models.signals import post_save
            post_save
            """,
            set(),
            id="function-import-not-visible-outside",
        ),
        pytest.param(
            """
            try:
                from django.db.models.signals import post_save as sig
            except ImportError:
                from django.db.models.signals import pre_save as sig
            sig
            """,
            {POST_SAVE, "django.db.models.signals.pre_save"},
            id="conditional-imports-give-every-candidate",
        ),
        pytest.param(
            """
            try:
                from django.db.models.signals import post_save
            except ImportError:
                post_save = None
            post_save
            """,
            set(),
            id="conditional-import-with-fallback-value",
        ),
        pytest.param(
            """
            from django.db.models.signals import post_save
            def f():
                global post_save
                post_save
            """,
            {POST_SAVE},
            id="global-declaration",
        ),
        pytest.param(
            """
            from django.db.models.signals import post_save
            def f():
                global post_save
                post_save = 1
            post_save
            """,
            set(),
            id="global-assignment-shadows-module-name",
        ),
        pytest.param(
            """
            from django.db.models.signals import post_save
            def outer():
                post_save = 1
                def inner():
                    post_save
            """,
            set(),
            id="enclosing-function-shadows",
        ),
        pytest.param(
            """
            from django.db.models.signals import post_save
            [post_save for post_save in range(3)]
            post_save
            """,
            {POST_SAVE},
            id="comprehension-variable-does-not-leak",
        ),
        pytest.param(
            """
            from django.db.models.signals import post_save
            for post_save in []:
                pass
            post_save
            """,
            set(),
            id="loop-target-shadows",
        ),
        pytest.param(
            """
            from django.db.models.signals import post_save
            with open("x") as post_save:
                pass
            post_save
            """,
            set(),
            id="with-target-shadows",
        ),
        pytest.param(
            """
            from django.db.models.signals import post_save
            def post_save():
                pass
            post_save
            """,
            set(),
            id="def-shadows",
        ),
        pytest.param(
            "from .signals import order_paid\norder_paid\n",
            {"shop.signals.order_paid"},
            id="relative-import",
        ),
        pytest.param(
            "from . import signals\nsignals.order_paid\n",
            {"shop.signals.order_paid"},
            id="relative-module-import",
        ),
        pytest.param(
            "from django.db.models.signals import *\npost_save\n",
            {POST_SAVE},
            id="star-import",
        ),
        pytest.param(
            "import django.db.models.signals as s\ns.post_save.connect\n",
            {POST_SAVE + ".connect"},
            id="method-attribute",
        ),
        pytest.param(
            "(lambda post_save: post_save)\nfrom django.db.models.signals import post_save\n"
            "post_save\n",
            {POST_SAVE},
            id="lambda-parameter-is-local-to-lambda",
        ),
    ],
)
def test_resolution(source: str, expected: set[str]) -> None:
    assert resolve_last(source) == expected


def test_relative_import_without_a_package_resolves_to_nothing() -> None:
    assert resolve_last("from .signals import order_paid\norder_paid\n", package=None) == set()


@pytest.mark.parametrize(
    ("module", "level", "package", "expected"),
    [
        pytest.param("signals", 1, "shop", "shop.signals", id="one-dot"),
        pytest.param("signals", 2, "shop.orders", "shop.signals", id="two-dots"),
        pytest.param(None, 1, "shop", "shop", id="dot-only"),
        pytest.param("signals", 3, "shop", None, id="beyond-top-level"),
        pytest.param("signals", 0, None, "signals", id="absolute"),
    ],
)
def test_absolute_module(
    module: str | None, level: int, package: str | None, expected: str | None
) -> None:
    node = cst.Name(module) if module else None
    assert absolute_module(node, level, package) == expected
