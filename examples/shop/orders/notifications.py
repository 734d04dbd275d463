import logging

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Order

log = logging.getLogger(__name__)


@receiver(post_save, sender=Order)
def email_customer(sender, instance, created, **kwargs):
    # Nothing imports this module (OrdersConfig.ready() imports .signals only), so
    # this receiver is never connected and no customer is ever e-mailed.
    if created:
        log.info("order %s: e-mail the customer", instance.reference)
