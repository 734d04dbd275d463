import logging

from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from .models import Order

log = logging.getLogger(__name__)


@receiver(post_save, sender=Order)
def notify_warehouse(sender, instance, created):
    # Works under runserver with DEBUG = True? No: connect() raises ValueError there,
    # and with DEBUG = False every save raises TypeError.
    if created:
        log.info("new order %s", instance.reference)


@receiver(pre_save, sender=Order)
def stamp_reference(sender, instance, created, **kwargs):
    # pre_save never sends `created`: every save raises TypeError.
    if created and not instance.reference:
        instance.reference = "ORD-NEW"


@receiver(m2m_changed, sender=Order.toppings.through)
def toppings_changed(sender, instance, action, pk_set, **kwargs):
    log.info("toppings %s on %s: %s", action, instance.pk, pk_set)


def audit(model, instance, **kwargs):
    # The sender arrives as `sender=`, never in the first position.
    log.info("saved %s %s", model.__name__, instance.pk)


post_save.connect(audit, sender=Order)
