"""Domain errors (core.errors) become form errors or error pages, never tracebacks."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from townsquare.core.errors import DomainError, NotAuthenticated, NotFound


def add_domain_error(form: forms.Form, exc: DomainError,
                     aliases: Mapping[str, str | None] | None = None) -> None:
    """Put the error's per-field messages on the form's fields.

    `aliases` maps an action's field name to the form field that shows it (None: the form
    as a whole). Messages for fields the form does not have go to the form as a whole, so
    nothing the action says is lost.
    """
    aliases = aliases or {}
    if not exc.fields:
        form.add_error(None, exc.detail)
        return
    for name, messages in exc.fields.items():
        target = aliases.get(name, name)
        if target is not None and target not in form.fields:
            target = None
        for message in messages:
            # add_error drops the field from cleaned_data; fine, the form is re-shown.
            form.add_error(target, message)


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A page for a domain error that no form can show (a button whose action failed)."""
    titles = {429: "Too many attempts", 409: "Already done", 400: "That did not work"}
    return render(request, "web/error.html",
                  {"title": titles.get(exc.status, "That did not work"), "detail": exc.detail},
                  status=exc.status)


def domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Translate domain errors a view lets through: 404 and 403 become Django's own pages,
    everything else (400, 409, 429, ...) an error page with the action's message."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.detail) from exc
        except NotAuthenticated as exc:
            raise PermissionDenied(exc.detail) from exc
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.detail) from exc
            return error_page(request, exc)

    return wrapper

