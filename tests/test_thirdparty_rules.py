"""Receivers of widely used packages' signals are checked like Django's own."""

from __future__ import annotations

from tests.helpers import diagnostics


def test_allauth_receiver_requiring_an_unsent_keyword() -> None:
    found = diagnostics(
        """
        from allauth.account.signals import user_signed_up
        from django.dispatch import receiver


        @receiver(user_signed_up)
        def welcome(sender, request, user, user_id, **kwargs):
            pass
        """
    )
    assert [(d.code, d.line) for d in found] == [("SIG002", 7)]
    assert "`user_signed_up` never sends" in found[0].message


def test_allauth_reexport_of_djangos_user_logged_out_is_djangos_signal() -> None:
    found = diagnostics(
        """
        from allauth.account.signals import user_logged_out
        from django.dispatch import receiver


        @receiver(user_logged_out)
        def bye(sender, request, user, credentials, **kwargs):
            pass
        """
    )
    assert [(d.code, d.line) for d in found] == [("SIG002", 7)]


def test_axes_string_sender_is_an_interned_identifier_and_may_match() -> None:
    source = """
        from axes.signals import user_locked_out
        from django.dispatch import receiver


        @receiver(user_locked_out, sender="axes")
        def locked(sender, request, username, ip_address, **kwargs):
            pass


        @receiver(user_locked_out, sender="axes.handlers")
        def never(sender, request, **kwargs):
            pass
        """
    assert [(d.code, d.line) for d in diagnostics(source)] == [("SIG202", 11)]
