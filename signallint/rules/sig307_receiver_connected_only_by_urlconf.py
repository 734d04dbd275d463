from __future__ import annotations

from collections.abc import Iterator

from signallint.context import RuleContext
from signallint.facts import ProjectFacts
from signallint.project import picture_of
from signallint.rules import Finding, Message, project_rule
from signallint.rules.sig30x_shared import display, module_level_connections, where_to_import

CONNECTED_BY_URLCONF = Message(
    "receiver `{name}` is connected only once the URLconf is loaded ({chain}): not by"
    " `django.setup()`, so not in `manage.py shell`, `call_command()`, scripts, or workers"
    " that skip the system checks; {where_to_import_it}"
)


@project_rule(
    "SIG307",
    "receiver-connected-only-by-urlconf",
    CONNECTED_BY_URLCONF,
)
def check(project: ProjectFacts, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds receivers connected at module level in a module that Django imports only
    through a URLconf (`urls` → views → ...): nothing that `django.setup()` imports (the
    settings, each installed app's package, `models` and `apps` modules, `ready()`,
    autodiscovered modules such as `admin`) imports it.

    ## Why is this bad?
    `django.setup()` does not import the URLconf. The web process imports it on the
    first request, and the system checks import it (`check_url_config`): `runserver`,
    `migrate`, `check` and the other commands that run them, and a Celery worker at
    start-up unless `CELERY_SKIP_CHECKS` is set. Everything else that calls
    `django.setup()` never does: `manage.py shell`, `call_command()` (it skips the
    checks), a command run with `--skip-checks` or with `requires_system_checks = []`, a
    script, a worker that skips the checks. There a model saved does not run the
    receiver, and nothing tells you.

    ## Example
    ```python
    # mysite/settings.py
    INSTALLED_APPS = ["shop"]
    ROOT_URLCONF = "mysite.urls"
    ```

    ```python
    # mysite/urls.py
    from django.urls import path

    from shop import views

    urlpatterns = [path("", views.index)]
    ```

    ```python
    # shop/apps.py
    from django.apps import AppConfig


    class ShopConfig(AppConfig):
        name = "shop"
    ```

    ```python
    # shop/views.py
    from . import signals  # noqa: F401


    def index(request):
        ...
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
    It reads the same picture of the project as SIG301 and is silent wherever that one
    is (no project root, no settings module, a distributed package, test code). The
    URLconfs are the modules called `urls`; a root URLconf with another name counts as
    imported at start-up. Every doubt counts as "imported by `django.setup()`": a
    module named by a quoted dotted string there (`"shop.views.csrf_failure"` in
    settings), imported anywhere in a module `django.setup()` imports (even inside a
    function), by a `tasks` module or another autodiscovered one, by `wsgi.py`,
    `asgi.py`, `celery.py`, a template tag library, a management command or a script,
    is not reported. Template tag libraries are imported when the template engine
    starts, which is also not part of `django.setup()`; a receiver imported only by one
    is not reported either.

    ## References
    - `django/__init__.py`: `setup()`
    - `django/core/checks/urls.py`: `check_url_config()`
    - `django/core/management/__init__.py`: `call_command()` (`skip_checks`)
    """
    picture = picture_of(project, context.version)
    for facts, connection in module_level_connections(project, context):
        chain = picture.urlconf_chain(facts.path)
        if chain is not None:
            yield Finding(
                connection.span,
                CONNECTED_BY_URLCONF.format(
                    name=connection.receiver_text or "?",
                    chain=" → ".join(f"`{display(picture, path)}`" for path in chain),
                    where_to_import_it=where_to_import(picture, facts.path),
                ),
                path=facts.path,
            )
