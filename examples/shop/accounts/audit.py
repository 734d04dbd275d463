import logging

from django.contrib.auth.signals import user_logged_in
from django.dispatch import reciever

log = logging.getLogger(__name__)


@reciever(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    log.info("audit: %s logged in", user)
