from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ProjectFacts
from signallint.project import Status, picture_of
from signallint.rules import Finding, Message, project_rule
from signallint.rules.sig30x_shared import (
    module_level_connections,
    where_to_import,
    why_not_imported,
)

# What imports the module and where to import it are said by the helpers of the family.
NEVER_CONNECTED = Message(
    "receiver `{name}` is never connected: {what_imports_it}; {where_to_import_it}"
)


@project_rule(
    "SIG301",
    "receiver-module-never-imported",
    NEVER_CONNECTED,
)
def check(project: ProjectFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds receivers connected at module level (`@receiver`, `signal.connect()`) in a
    module that Django never imports: no installed app, settings module, URLconf,
    `AppConfig.ready()` or anything they import imports it, not even through
    `importlib.import_module()` or `autodiscover_modules()`.

    ## Why is this bad?
    A receiver is connected when the code that connects it runs, and module-level
    code runs when the module is imported. Django imports each installed app's package,
    its `models` and `apps` modules, `admin` modules (admin autodiscovery), the settings
    and the root URLconf, and runs each `AppConfig.ready()`; nothing else is imported
    unless one of those imports it. A `signals.py` that nobody imports is never loaded:
    its receivers never run, and nothing fails to tell you.

    ## Example
    ```python
    # mysite/settings.py
    INSTALLED_APPS = ["shop"]
    ```

    ```python
    # shop/apps.py
    from django.apps import AppConfig


    class ShopConfig(AppConfig):
        name = "shop"
    ```

    ```python
    # shop/signals.py
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save, sender="shop.Order")
    def notify_warehouse(sender, instance, **kwargs):
        ...
    ```

    Use instead:
    ```python
    # shop/apps.py
    from django.apps import AppConfig


    class ShopConfig(AppConfig):
        name = "shop"

        def ready(self):
            from . import signals  # noqa: F401
    ```

    ## Known problems
    The project's picture is built from its source alone, and every doubt counts as
    "imported", so a module is reported only when nothing can import it:

    - The rule needs the whole project: it runs from the project root (`--project-root`,
      else the nearest directory upwards with `pyproject.toml`, `setup.cfg` or
      `manage.py`) and stays silent without one, or when no settings module is found
      (named by `DJANGO_SETTINGS_MODULE`, or assigning `INSTALLED_APPS`).
    - Every package that looks like an app (`apps.py`, `models.py`, `migrations/`, or
      named in `INSTALLED_APPS`) counts as installed, and its `admin`, `templatetags`,
      `management/commands`, `migrations` modules and the modules popular packages
      autodiscover (`tasks`, `wagtail_hooks`, `cms_plugins`, `translation`,
      `search_indexes`, ...) as imported. A package that imports a module of every app
      under another name is not known.
    - An import anywhere in a module counts, even inside a function that never runs or
      under `if TYPE_CHECKING:`; so does any quoted dotted name (`"shop.signals"` in
      settings, `mock.patch("shop.signals.x")`), since Django and libraries import
      modules named by strings. A dynamic import whose name is partly known
      (`import_module(f"{app}.signals")`) imports every module that matches; one whose
      name is not known at all imports every module of its own package and every
      module named by a string literal of its file. A name that comes from outside the
      source (an environment variable, a file) is not seen.
    - Modules of a distributed package (under `site-packages`, or a directory with its
      own `setup.py`/`pyproject.toml` that is not a site with a `manage.py`) are never
      reported: the projects that install it may import them.
    - Test code (`test*.py`, `tests/`, `conftest.py`) is not checked; receivers that only
      tests import are SIG302.

    ## References
    - `django/apps/registry.py`: `Apps.populate()`
    - `django/utils/module_loading.py`: `autodiscover_modules()`
    """
    picture = picture_of(project, context.version)
    for facts, connection in module_level_connections(project, context):
        verdict = picture.verdict(facts.path)
        if verdict.status is Status.NEVER:
            name = connection.receiver_text or "?"
            yield Finding(
                connection.span,
                NEVER_CONNECTED.format(
                    name=name,
                    what_imports_it=why_not_imported(picture, facts.path, verdict),
                    where_to_import_it=where_to_import(picture, facts.path, verdict),
                ),
                path=facts.path,
            )
