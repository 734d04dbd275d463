from __future__ import annotations

import os
from collections.abc import Iterator

from signallint.app_configs import Choice
from signallint.catalogue import format_version
from signallint.context import RuleContext
from signallint.facts import ProjectFacts
from signallint.project import picture_of
from signallint.rules import Finding, Message, project_rule
from signallint.rules.sig30x_shared import display

_DEAD = "`default_app_config` is dead code: Django ignores it since 4.1 (the target is {version})"
DEAD = Message(_DEAD + "; remove it")
DEAD_AND_ELSEWHERE = Message(
    _DEAD + ", so `{name}` is never used (nor its `ready()`); move it to `{apps}` or name "
    "`{value}` in INSTALLED_APPS"
)
DEAD_AND_NOT_CHOSEN = Message(
    _DEAD + ": Django uses `{chosen}`, not `{name}`; remove it, and mark the config you "
    "want with `default = True`"
)


@project_rule(
    "SIG304",
    "default-app-config-ignored",
    DEAD,
    DEAD_AND_ELSEWHERE,
    DEAD_AND_NOT_CHOSEN,
    since=(4, 1),
)
def check(project: ProjectFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds `default_app_config = "..."` in a package's `__init__.py`.

    ## Why is this bad?
    Django 3.2 deprecated `default_app_config` and Django 4.1 removed it: nothing reads
    it any more. For an `INSTALLED_APPS` entry that names a package, Django uses the
    single `AppConfig` subclass of its `apps` module (or the one marked
    `default = True`), whatever `default_app_config` says. On every Django version
    signallint supports the line is dead code at best; at worst it names a class that
    is not in `apps.py`, or not the one Django picks, and whose `ready()` therefore
    never runs.

    ## Example
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
    line, not the flake8 plugin). Whether the named class is the one Django uses is
    said only when `INSTALLED_APPS` names the package and the class lives in another
    module, or `apps.py` resolves to another class.

    ## References
    - Django 4.1 release notes: "Features removed in 4.1"
    - `django/apps/config.py`: `AppConfig.create()`
    """
    picture = picture_of(project)
    target = format_version(context.version)
    for facts in project.modules:
        wiring = facts.wiring
        if wiring is None or wiring.default_app_config is None:
            continue
        if os.path.basename(facts.path) != "__init__.py":
            continue
        message = DEAD.format(version=target)
        value = wiring.default_app_config.value
        config = picture.app_configs_of(facts.path)
        if value and "." in value and config is not None and config.listed:
            module, _, name = value.rpartition(".")
            apps = display(picture, picture.modules[config.module].facts.path)
            if value in picture.installed_apps:
                pass  # INSTALLED_APPS names the class itself: Django uses it
            elif config.module not in picture.modules_named(module):
                message = DEAD_AND_ELSEWHERE.format(
                    version=target, name=name, apps=apps, value=value
                )
            elif config.choice is Choice.ONE and config.chosen and config.chosen.name != name:
                message = DEAD_AND_NOT_CHOSEN.format(
                    version=target, chosen=config.chosen.name, name=name
                )
        yield Finding(wiring.default_app_config.span, message, path=facts.path)
