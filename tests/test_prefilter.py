"""The prefilter: which files are parsed at all."""

from __future__ import annotations

import pytest

from signallint.prefilter import Prefilter

PREFILTER = Prefilter(extra_signal_names=["order_paid_elsewhere"])


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("from django.dispatch import receiver\n", id="receiver-import"),
        pytest.param("from django.dispatch import reciver\n", id="misspelled-receiver"),
        pytest.param("from django import dispatch\n", id="dispatch-module"),
        pytest.param("from django import (\n    forms,\n    dispatch,\n)\n", id="parenthesised"),
        pytest.param("import django.dispatch\nx = django.dispatch.Signal()\n", id="dotted"),
        pytest.param("from x import post_save\npost_save.connect(f)\n", id="connect-known-name"),
        pytest.param("@post_save.connect\ndef f(**kw): pass\n", id="connect-decorator"),
        pytest.param("post_save.disconnect(f)\n", id="disconnect-known-name"),
        pytest.param("connect = 1\npost_save.foo(f)\n", id="connect-at-file-start"),
        pytest.param("order_paid_elsewhere.connect(f)\n", id="declared-name"),
        pytest.param("from django.db.models.signals import post_saved\n", id="unknown-name"),
        pytest.param(
            "from django.db.models.signals import (\n    post_save,\n    pre_delte,\n)\n",
            id="unknown-name-in-parentheses",
        ),
        pytest.param("from django.db.models.signals import request_finished\n", id="wrong-module"),
        pytest.param("from django.core.signals import receiver\n", id="receiver-wrong-module"),
        pytest.param(
            "from django.db.models import signals\nsignals.post_saved.connect(f)\n",
            id="module-as-object",
        ),
        pytest.param(
            "import django.db.models.signals as s\ns.pre_delte.connect(f)\n", id="import-as"
        ),
        pytest.param(
            "import django\ndjango.db.models.signals.post_saved.connect(f)\n", id="full-path"
        ),
        pytest.param("from django.db.models.signals import pre_syncdb\n", id="removed-signal"),
        pytest.param(
            "def f():\n    import django.db.models.signals\n", id="module-imported-in-a-function"
        ),
        pytest.param(
            "# from django.db import (\nfrom django.db.models.signals import post_saved\n)\n",
            id="import-after-a-parenthesis-in-a-comment",
        ),
        pytest.param(
            "from django.db.models.signals import ModelSignal\npaid = ModelSignal()\n",
            id="model-signal-defined",
        ),
    ],
)
def test_files_that_can_matter_pass(source: str) -> None:
    assert PREFILTER.first_pass(source.encode())


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("import socket\nsocket.socket().connect(('h', 1))\n", id="socket-connect"),
        pytest.param("from django.db import connection\nconnection.cursor()\n", id="connection"),
        pytest.param(
            "from django.db.models.signals import post_save, pre_save\npost_save.send(sender=A)\n",
            id="valid-import-and-send",
        ),
        pytest.param("class View:\n    def dispatch(self, request):\n        pass\n", id="view"),
        pytest.param("# signals are great\nx = 1\n", id="comment"),
        pytest.param("mail.send(message)\n", id="other-send"),
        pytest.param("post_save.reconnect(f)\n", id="other-word-ending-in-connect"),
        pytest.param("post_save.connected_to(f)\n", id="other-word-starting-with-connect"),
        pytest.param("mydjango.db.models.signals.x = 1\n", id="other-word-ending-in-django"),
    ],
)
def test_files_that_cannot_matter_are_skipped(source: str) -> None:
    assert not PREFILTER.first_pass(source.encode())


def test_second_pass_uses_what_the_project_defines() -> None:
    uses = b"from .events import order_paid\norder_paid.send(sender=None, order=1)\n"
    assert not PREFILTER.first_pass(uses)
    assert PREFILTER.second_pass(uses, frozenset({"order_paid"}), frozenset())
    assert not PREFILTER.second_pass(uses, frozenset({"refunded"}), frozenset())
    for use in (b"order_paid.disconnect(f)\n", b"order_paid.asend_robust(None)\n"):
        assert PREFILTER.second_pass(use, frozenset({"order_paid"}), frozenset())
    mentioned = b"order_paid = None\nmail.sender = order_paid\n"
    assert not PREFILTER.second_pass(mentioned, frozenset({"order_paid"}), frozenset())
    model = b"class Pizza(models.Model):\n    toppings = models.ManyToManyField(Topping)\n"
    assert PREFILTER.second_pass(model, frozenset(), frozenset({"Pizza"}))
    assert not PREFILTER.second_pass(model, frozenset(), frozenset({"Order"}))


def test_the_demand_hint_reads_definitions_and_m2m_senders_from_the_text() -> None:
    text = (
        b"paid = Signal()\n"
        b"class Events:\n    shipped: Signal = dispatch.Signal(use_caching=True)\n"
        b"m2m_changed.connect(f, Order)\n"
        b"m2m_changed.connect(g, sender=shop.models.Pizza)\n"
        b"m2m_changed.connect(h, sender=self.model)\n"
        b"m2m_changed.connect(i, sender=None)\n"
        b"refunded = make_signal()\n"
    )
    assert PREFILTER.demand_hint(text) == ({"paid", "shipped"}, {"Order", "Pizza"})
    assert PREFILTER.demand_hint(text.replace(b"m2m_changed", b"post_save"))[1] == set()
