from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def hello(request: HttpRequest) -> HttpResponse:
    """A view that works (and renders a template)."""
    return render(request, "catalogue_app/hello.html", {"name": request.GET.get("name", "world")})


def boom(request: HttpRequest) -> HttpResponse:
    """A view that raises: the handler turns it into a 500 and sends got_request_exception."""
    raise RuntimeError("boom (raised on purpose by tests.catalogue_app.views.boom)")
