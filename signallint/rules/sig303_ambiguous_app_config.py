from __future__ import annotations

from collections.abc import Iterator

from signallint.app_configs import Choice, second_name
from signallint.context import RuleContext
from signallint.facts import FILE_START, ProjectFacts
from signallint.project import picture_of
from signallint.rules import Finding, Message, project_rule
from signallint.rules.sig30x_shared import display

NO_DEFAULT = Message(
    "{classes} in `{module}` are AppConfigs and none sets `default = True`: "
    'for "{app}" in INSTALLED_APPS Django uses a plain AppConfig, {effect}; '
    "set `default = True` on the one to use"
)
NO_DEFAULT_INHERITED = Message(
    "{classes} in `{module}` are AppConfigs and none sets `default = True` "
    "({inheriting} {inherit} `default = False`): "
    'for "{app}" in INSTALLED_APPS Django uses a plain AppConfig, {effect}; '
    "set `default = True` on the one to use"
)
EXCLUDED = Message(
    '`{config}` in `{module}` {sets} `default = False`: for "{app}" in INSTALLED_APPS '
    "Django uses a plain AppConfig, so its `ready()` never runs; remove `default = False`, "
    'or name "{entry}" in INSTALLED_APPS'
)
ALIAS = Message(
    "`{alias}` is a second name for `{config}` in `{module}`, and Django counts names: "
    'with two and neither set to `default = True`, for "{app}" in INSTALLED_APPS Django '
    "uses a plain AppConfig, {effect}; delete `{alias}`"
)
ALIAS_DEFAULTS = Message(
    "`{alias}` is a second name for `{config}` in `{module}`, which sets `default = True`, "
    'and Django counts names: for "{app}" in INSTALLED_APPS it raises RuntimeError at '
    "start-up (more than one default AppConfig); delete `{alias}`"
)
SEVERAL_DEFAULTS = Message(
    '{classes} in `{module}` all set `default = True`: for "{app}" in INSTALLED_APPS '
    "Django raises RuntimeError at start-up; keep `default = True` on one of them"
)


@project_rule(
    "SIG303",
    "ambiguous-app-config",
    NO_DEFAULT,
    NO_DEFAULT_INHERITED,
    SEVERAL_DEFAULTS,
    ALIAS,
    ALIAS_DEFAULTS,
    EXCLUDED,
)
def check(project: ProjectFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds an app's `apps.py` with several `AppConfig` subclasses where Django cannot
    pick one, for an app that `INSTALLED_APPS` names by its package (`"shop"`): none
    marked `default = True`, or more than one; and one whose only config, with a
    `ready()`, sets `default = False`, so that Django does not use it either.

    ## Why is this bad?
    For an `INSTALLED_APPS` entry that names a package, Django looks for the
    `AppConfig` subclasses of its `apps` module (`AppConfig.create()`): exactly one, or
    the one with `default = True`. With two or more and no default, Django silently
    uses the plain `AppConfig` class: no subclass's `ready()` runs, so receivers
    connected or imported there never are, and `label`, `verbose_name` and
    `default_auto_field` are ignored. With several marked `default = True`, Django
    raises `RuntimeError` at start-up. An intermediate base class
    (`class BaseConfig(AppConfig)`) counts as a subclass too, unless it sets
    `default = False`; and since Django reads `default` with `getattr()`, its subclasses
    inherit that `False` unless they set `default = True`.

    Django looks at what the module holds once imported (`inspect.getmembers()`), by
    name: a config imported into `apps.py` (`from common.apps import BaseConfig`) is a
    candidate too, unless the module deletes it (`del BaseConfig`); and a second name
    for a class (`Alias = ShopConfig`) is a second candidate, so with no default Django
    uses a plain `AppConfig`, and with `default = True` both names have it and Django
    raises `RuntimeError`.

    ## Example
    ```python
    # mysite/settings.py
    INSTALLED_APPS = ["shop"]
    ```

    ```python
    # shop/apps.py
    from django.apps import AppConfig


    class BaseShopConfig(AppConfig):
        name = "shop"


    class ShopConfig(BaseShopConfig):
        def ready(self):
            from . import signals  # noqa: F401
    ```

    Use instead:
    ```python
    # shop/apps.py
    from django.apps import AppConfig


    class BaseShopConfig(AppConfig):
        name = "shop"
        default = False


    class ShopConfig(BaseShopConfig):
        default = True  # not inherited from the base, which says False

        def ready(self):
            from . import signals  # noqa: F401
    ```

    ## Known problems
    The rule needs a settings module whose `INSTALLED_APPS` names the package as a
    string (lists, names of lists, `+`, `+=`, `append()`/`extend()` are followed); it is
    silent when an entry names one of the classes (`"shop.apps.ShopConfig"`), which
    Django then uses. It is also silent when a class's base or `default` cannot be
    read (a base from another package whose name ends in `Config`, `default` computed),
    when `apps.py` has a star import, holds a config imported from outside the project or
    one of Django's own (`AdminConfig`), or binds or deletes a config's name under
    `if`/`try`. A config imported with `default = True` (which Django then uses instead
    of the module's own) is not reported.

    ## References
    - `django/apps/config.py`: `AppConfig.create()`
    """
    picture = picture_of(project, context.version)
    for config in picture.app_configs.values():
        if not config.listed or config.class_listed or not config.names:
            continue
        module = picture.modules[config.module]
        local = [c for c in config.candidates if c in module.wiring.classes]
        span = local[0].span if local else FILE_START
        if len(config.names) == 1:
            name, only = config.names[0]
            if config.choice is Choice.PLAIN and only in local and "ready" in only.methods:
                yield Finding(
                    span,
                    EXCLUDED.format(
                        config=only.name,
                        module=display(picture, module.facts.path),
                        sets="sets" if only.default is False else "inherits",
                        app=config.package,
                        entry=f"{config.package}.apps.{name}",
                    ),
                    path=module.facts.path,
                )
            continue
        names = _listing([c.name for c in config.candidates])
        where = display(picture, module.facts.path)
        alias = second_name(config)
        with_ready = [c for c in config.candidates if "ready" in c.methods]
        effect = "so no `ready()` runs" if with_ready else "so none of them is used"
        if alias is not None and (
            config.choice is Choice.SEVERAL_DEFAULTS
            or (config.choice is Choice.PLAIN and len(config.candidates) == 1)
        ):
            alias_message = ALIAS_DEFAULTS if config.choice is Choice.SEVERAL_DEFAULTS else ALIAS
            yield Finding(
                span,
                alias_message.format(
                    alias=alias[0],
                    config=alias[1].name,
                    module=where,
                    app=config.package,
                    effect=effect.replace("none of them is", "it is not"),
                ),
                path=module.facts.path,
            )
        elif config.choice is Choice.PLAIN:
            inheriting = [
                c.name
                for c in config.candidates
                if c.default is None
                and picture.configs.default_of(c.qualified_name, config.module) is False
            ]
            if inheriting:
                message = NO_DEFAULT_INHERITED.format(
                    classes=names,
                    module=where,
                    inheriting=_listing(inheriting),
                    inherit="inherit" if len(inheriting) > 1 else "inherits",
                    app=config.package,
                    effect=effect,
                )
            else:
                message = NO_DEFAULT.format(
                    classes=names, module=where, app=config.package, effect=effect
                )
            yield Finding(span, message, path=module.facts.path)
        elif config.choice is Choice.SEVERAL_DEFAULTS:
            yield Finding(
                span,
                SEVERAL_DEFAULTS.format(classes=names, module=where, app=config.package),
                path=module.facts.path,
            )


def _listing(names: list[str]) -> str:
    quoted = [f"`{name}`" for name in names]
    return ", ".join(quoted[:-1]) + f" and {quoted[-1]}" if len(quoted) > 1 else quoted[0]
