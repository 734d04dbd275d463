from __future__ import annotations

from collections.abc import Iterator

from signallint.catalogue import format_version
from signallint.context import RuleContext
from signallint.facts import ProjectFacts
from signallint.project import picture_of
from signallint.rules import Finding, Message, project_rule
from signallint.rules.sig30x_shared import AppConfigLine, default_app_config_lines

_IGNORED = "`default_app_config` is ignored since Django 4.1 (the target is {version})"
ELSEWHERE = Message(
    _IGNORED + ", so `{name}` is never used (nor its `ready()`); move it to `{apps}` or name "
    "`{value}` in INSTALLED_APPS"
)
NOT_CHOSEN = Message(
    _IGNORED + ": Django uses `{chosen}`, not `{name}`; remove it, and mark the config you "
    "want with `default = True`"
)
PLAIN = Message(
    _IGNORED + ': for "{app}" Django uses a plain AppConfig, not `{name}`, so its `ready()` '
    "never runs; set `default = True` on `{name}` and remove the line"
)


@project_rule(
    "SIG304",
    "default-app-config-ignored",
    ELSEWHERE,
    NOT_CHOSEN,
    PLAIN,
    since=(4, 1),
)
def check(project: ProjectFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds a `default_app_config = "..."` line in an app package's `__init__.py` that
    names a config Django 4.1 and later no longer uses: a class outside the app's `apps`
    module, a subclass that automatic discovery does not pick, or one of several
    subclasses of which discovery picks none.

    ## Why is this bad?
    Up to Django 4.0, `default_app_config` chose the `AppConfig` for an
    `INSTALLED_APPS` entry that names the package. Django 4.1 removed it without a
    warning: Django now uses the single `AppConfig` subclass of the `apps` module, or
    the one marked `default = True`, or else a plain `AppConfig`. When that is not the
    class the line names, the intended config's `ready()` silently stops running on the
    upgrade, and with it every receiver it connects or imports.

    A line that names the config Django picks anyway is harmless dead code: that is
    SIG306, off by default.

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


    class BaseShopConfig(AppConfig):
        name = "shop"
        default = False


    class ShopConfig(BaseShopConfig):
        def ready(self):
            from . import signals  # noqa: F401
    ```

    Use instead:
    ```python
    # shop/__init__.py
    ```

    ```python
    # shop/apps.py
    from django.apps import AppConfig


    class BaseShopConfig(AppConfig):
        name = "shop"
        default = False


    class ShopConfig(BaseShopConfig):
        default = True

        def ready(self):
            from . import signals  # noqa: F401
    ```

    ## Preparing an upgrade
    On a project whose target is older than 4.1 the rule is silent, since the line
    still works there. `signallint --django-version 5.2 .` reports what the line will
    do after the upgrade.

    ## Known problems
    Only `__init__.py` files are checked, and only in a whole-project run (the command
    line, not the flake8 plugin). The rule needs a settings module whose
    `INSTALLED_APPS` names the package; where Django's choice cannot be read (see
    SIG303) it is silent. When the package has no `apps` module and the line names a
    config elsewhere, the receivers that config's `ready()` imports are still counted as
    connected (no SIG301). The value is read when it is a string literal or built from
    the package's `__name__` (`__name__ + ".apps.ShopConfig"`, `f"{__name__}.X"`); a
    line naming a module the project does not have (an app's old package) is left
    alone.

    ## References
    - Django 4.1 release notes: "Features removed in 4.1"
    - `django/apps/config.py`: `AppConfig.create()`
    """
    picture = picture_of(project, context.version)
    target = format_version(context.version)
    for facts, span, judged in default_app_config_lines(picture, project):
        message = {
            AppConfigLine.ELSEWHERE: ELSEWHERE,
            AppConfigLine.NOT_CHOSEN: NOT_CHOSEN,
            AppConfigLine.PLAIN: PLAIN,
        }.get(judged.effect)
        if message is not None:
            text = message.format(
                version=target,
                name=judged.name,
                apps=judged.apps,
                value=judged.value,
                chosen=judged.chosen,
                app=judged.app,
            )
            yield Finding(span, text, path=facts.path)
