from django.apps import AppConfig


class CatalogueAppConfig(AppConfig):
    name = "tests.catalogue_app"
    label = "catalogue_app"
    default_auto_field = "django.db.models.AutoField"
