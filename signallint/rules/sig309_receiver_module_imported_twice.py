from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import Connection, ProjectFacts
from signallint.import_names import Origin
from signallint.project import Picture, picture_of
from signallint.rules import Finding, Message, project_rule
from signallint.rules.sig30x_shared import display, module_level_connections

IMPORTED_TWICE = Message(
    "receiver `{name}` is connected twice, so it runs twice: `{path}` is imported as"
    " `{first}` ({first_by}) and as `{second}` ({second_by}), and each import runs the"
    " module again; import it as `{first}` everywhere, or give the connection a"
    " `dispatch_uid`"
)


@project_rule(
    "SIG309",
    "receiver-module-imported-twice",
    IMPORTED_TWICE,
)
def check(project: ProjectFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds receivers connected at module level, without a `dispatch_uid`, in a module
    that the project imports under two names: the same file reachable from two
    `sys.path` entries (the project's directory, and a directory such as `apps/` that
    settings, `manage.py` or `wsgi.py` add to `sys.path`), imported once through each.

    ## Why is this bad?
    Python keys modules by name, not by file: `billing.signals` and
    `apps.billing.signals` are two modules, and importing the second runs the file
    again. Its receivers are new functions, so `connect()` cannot tell they are the same,
    and each is connected twice: every `post_save` sends two e-mails, books two
    payments. A relative import follows the name of the module that holds it, so one
    import under the longer name spreads it to everything that module imports
    relatively. Nothing fails; Django's own guard only catches models imported this way
    (it raises `RuntimeError`).

    ## Example
    ```python
    # mysite/settings.py
    import sys
    from pathlib import Path

    BASE_DIR = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(BASE_DIR / "apps"))

    INSTALLED_APPS = ["billing", "orders"]
    ```

    ```python
    # apps/billing/apps.py
    from django.apps import AppConfig


    class BillingConfig(AppConfig):
        name = "billing"

        def ready(self):
            from . import signals  # noqa: F401
    ```

    ```python
    # apps/billing/signals.py
    from django.db.models.signals import post_save
    from django.dispatch import receiver


    @receiver(post_save, sender="billing.Invoice")
    def email_invoice(sender, instance, created, **kwargs):
        ...


    def total(invoice):
        ...
    ```

    ```python
    # apps/orders/apps.py
    from django.apps import AppConfig

    from apps.billing.signals import total  # noqa: F401


    class OrdersConfig(AppConfig):
        name = "orders"
    ```

    Use instead:
    ```python
    # apps/orders/apps.py
    from django.apps import AppConfig

    from billing.signals import total  # noqa: F401


    class OrdersConfig(AppConfig):
        name = "orders"
    ```

    ## Known problems
    It follows the imports a process certainly runs, and is silent on every doubt: an
    import inside a function (but `ready()` of the AppConfig Django uses), an `if`, a
    loop or an `except` handler; a dynamic import; a directory added to `sys.path` from
    a value it cannot compute without running code (an environment variable, a name
    imported from another module); a top-level name that two `sys.path` entries both
    hold. It reads the web process of each `manage.py` that names its settings module:
    settings, INSTALLED_APPS (with `admin` modules when the admin is installed),
    `ready()`, and the URLconfs the settings name and include. A module that defines
    models imported under a second name makes Django raise at start-up; imports that
    lead there are not reported. A third-party package installed under the same
    top-level name as a project directory that an appended `sys.path` entry exposes
    would shadow it; that case is not told apart.

    ## References
    - Python's import system: "The module cache" (`sys.modules`)
    - `django/dispatch/dispatcher.py`: `Signal.connect()` (`lookup_key`)
    - `django/apps/registry.py`: `Apps.populate()`
    """
    picture = picture_of(project, context.version)
    root = picture.root
    if root is None or not picture.sites:
        return
    connections = [
        (facts, connection, index)
        for facts, connection in module_level_connections(project, context)
        if not _may_have_dispatch_uid(connection)
        and not picture.is_test_code(facts.path)
        and (index := picture.index_of(facts.path)) is not None
        and picture.modules[index].path not in picture.distributed
    ]
    seen: set[tuple[str, int, int]] = set()
    for site in picture.sites:
        for facts, connection, index in connections:
            names = site.names_of(index)
            if len(names) < 2:
                continue
            key = (facts.path, connection.span.line, connection.span.col)
            if key in seen:
                continue
            seen.add(key)
            (first, first_origin), (second, second_origin) = names[:2]
            yield Finding(
                connection.span,
                IMPORTED_TWICE.format(
                    name=connection.receiver_text or "?",
                    path=display(picture, facts.path),
                    first=first,
                    first_by=_by(picture, first_origin),
                    second=second,
                    second_by=_by(picture, second_origin),
                ),
                path=facts.path,
            )


def _may_have_dispatch_uid(connection: Connection) -> bool:
    """With a ``dispatch_uid`` Django ignores the second connection: it keys them by the
    uid. Unknown (``**options``) counts as one."""
    return connection.dispatch_uid is not None or any(
        argument.keyword is None and argument.text.startswith("**")
        for argument in connection.arguments
    )


def _by(picture: Picture, origin: Origin) -> str:
    if origin.by is None:
        said = origin.how
    elif origin.how == "import":
        said = f"by `{display(picture, origin.by)}`"
    else:
        said = f"{origin.how} in `{display(picture, origin.by)}`"
    return f"{said}, once the URLconf is loaded" if origin.through_urlconf else said
