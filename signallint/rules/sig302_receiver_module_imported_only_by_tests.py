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
ONLY_UNDER_TESTS = Message(
    "receiver `{name}` is connected only under tests: {what_imports_it}; {where_to_import_it}"
)


@project_rule(
    "SIG302",
    "receiver-module-imported-only-by-tests",
    ONLY_UNDER_TESTS,
)
def check(project: ProjectFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds receivers connected at module level in a module (not itself test code) that
    only test code imports: nothing Django loads when it starts imports it, but a test
    module, or something only tests import, does.

    ## Why is this bad?
    The receivers are connected while the test suite runs, so their tests pass, and
    never in production, where nothing imports the module. This is the usual way a
    `signals.py` that `AppConfig.ready()` forgot to import goes unnoticed.

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

    ```python
    # shop/tests.py
    from shop.signals import notify_warehouse


    def test_notify_warehouse():
        notify_warehouse(sender=None, instance=None)
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
    Test code is recognised by its path: `test*.py`, `*_test.py`, `conftest.py`, and
    everything under a `tests`, `test` or `testing` directory. A helper module that only
    tests use but that lives elsewhere (`shop/factories.py`) is reported if it connects
    receivers. Everything SIG301 says about how the project is read applies here too.
    """
    picture = picture_of(project, context.version)
    for facts, connection in module_level_connections(project, context):
        verdict = picture.verdict(facts.path)
        if verdict.status is Status.TESTS_ONLY:
            name = connection.receiver_text or "?"
            yield Finding(
                connection.span,
                ONLY_UNDER_TESTS.format(
                    name=name,
                    what_imports_it=why_not_imported(picture, facts.path, verdict),
                    where_to_import_it=where_to_import(picture, facts.path, verdict),
                ),
                path=facts.path,
            )
