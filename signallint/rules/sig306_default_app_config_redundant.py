from __future__ import annotations

from collections.abc import Iterator

from signallint.catalogue import format_version
from signallint.context import RuleContext
from signallint.facts import ProjectFacts
from signallint.project import DEFAULT_APP_CONFIG_REMOVED, picture_of
from signallint.rules import Finding, Message, project_rule
from signallint.rules.sig30x_shared import AppConfigLine, default_app_config_lines

DEAD = Message(
    "`default_app_config` is dead code: Django ignores it since 4.1 (the target is {version}); "
    "remove it"
)
FOUND_ANYWAY = Message(
    "`default_app_config` is deprecated: Django {version} picks `{name}` without it; remove it"
)


@project_rule(
    "SIG306",
    "default-app-config-redundant",
    DEAD,
    FOUND_ANYWAY,
    default_enabled=False,
)
def check(project: ProjectFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds a `default_app_config = "..."` line in a package's `__init__.py` that changes
    nothing: from Django 4.1 every such line that SIG304 does not report (Django no
    longer reads it); on Django 3.2 and 4.0, a line that names the config automatic
    discovery picks anyway. Off by default: select `SIG306` to enable it.

    ## Why is this bad?
    Django 3.2 deprecated `default_app_config` in favour of automatic discovery of the
    `AppConfig` subclass in the app's `apps` module, and Django 4.1 removed it. A line
    that names the config Django uses anyway is dead code, and misleads the reader into
    thinking it decides something. It is cleanup, not a bug (django-upgrade removes such
    lines too), hence off by default; a line that names another config than the one
    Django uses is a bug, reported by SIG304.

    ## Example
    ```python
    # mysite/settings.py
    INSTALLED_APPS = ["shop"]
    ```

    ```python
    # shop/__init__.py
    default_app_config = "shop.apps.ShopConfig"
    ```

    ```python
    # shop/apps.py
    from django.apps import AppConfig


    class ShopConfig(AppConfig):
        name = "shop"
    ```

    Use instead:
    ```python
    # shop/__init__.py
    ```

    ## Known problems
    Only `__init__.py` files are checked, and only in a whole-project run (the command
    line, not the flake8 plugin). Before Django 4.1 it reports only when the choice is
    certain: a settings module whose `INSTALLED_APPS` names the package, and an `apps`
    module whose discovery picks the named class. A value it cannot read (built from
    anything but a literal and `__name__`) may name a config Django needs, and is left
    alone.

    ## References
    - Django 3.2 release notes: "Automatic AppConfig discovery"
    - `django/apps/config.py`: `AppConfig.create()`
    """
    picture = picture_of(project, context.version)
    target = format_version(context.version)
    ignored = context.version >= DEFAULT_APP_CONFIG_REMOVED
    for facts, span, judged in default_app_config_lines(picture, project):
        assert facts.wiring is not None and facts.wiring.default_app_config is not None
        if facts.wiring.default_app_config.value is None:
            continue  # a value it cannot read may name a config Django needs: unknown
        if ignored and judged.effect in (AppConfigLine.REDUNDANT, AppConfigLine.UNKNOWN):
            message = DEAD.format(version=target)
        elif not ignored and judged.effect is AppConfigLine.REDUNDANT and judged.name:
            message = FOUND_ANYWAY.format(version=target, name=judged.name)
        else:
            continue
        yield Finding(span, message, path=facts.path)
