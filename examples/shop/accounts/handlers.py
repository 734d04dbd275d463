import logging

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import user_logged_out
from django.dispatch import receiver

log = logging.getLogger(__name__)


@receiver(user_logged_in)
def remember_login(sender, request, user, **kwargs):
    log.info("%s logged in", user)


@receiver(user_login_failed)
def count_failure(sender, user, request, **kwargs):
    # user_login_failed sends `credentials` and `request`, never `user`.
    log.warning("failed login for %s", user)


@receiver(user_logged_out)
def forget(sender, request, user, **kwargs):
    log.info("%s logged out", user)
