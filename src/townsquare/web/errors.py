"""Domain errors (core.errors) become form errors or error pages, never tracebacks.

The one way a view handles a domain error (docs/web.md, "Domain errors in views"):

- a form that called an action: `with form_errors(form) as failed:` around the call (and
  what follows success); after the block, `failed.status` is the status to re-show the
  form with. The error's per-field messages are on the fields, its detail on the form;
- a button without a form: `with message_errors(request, only={400}) as failed:`, the
  detail becomes a flash message;
- anything else (403, 404, and what a helper does not show) goes up to `domain_errors`
  (every view: `agency_page` includes it), which renders Django's 404 or 403 page, or an
  error page with the action's message and status.

No view writes `except DomainError` itself (tests/test_rules_live_behind_adapters.py).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

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
    titles = {429: _("Too many attempts"), 409: _("Already done"), 400: _("That did not work")}
    return render(request, "web/error.html",
                  {"title": titles.get(exc.status, _("That did not work")), "detail": exc.detail},
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



# Not found and forbidden are pages (domain_errors), never a message on a form.
PAGE_STATUSES: frozenset[int] = frozenset({403, 404})


class Caught:
    """What a `catch_domain_error` block caught: true if it failed."""

    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def status(self) -> int:
        """The error's HTTP status (200 when nothing failed)."""
        return self.error.status if self.error is not None else 200

    def field_message(self, field: str) -> str:
        """The first message about `field`, else the error's detail ("" if none)."""
        if self.error is None:
            return ""
        return next(iter((self.error.fields or {}).get(field, [])), self.error.detail)


@contextmanager
def catch_domain_error(*, up: Collection[int] = PAGE_STATUSES,
                       only: Collection[int] | None = None,
                       show: Callable[[DomainError], None] | None = None) -> Iterator[Caught]:
    """Catch the domain error the block raises, `show` it, and go on after the block.

    Errors whose status is in `up`, or not in `only` when given, are not caught: they go up
    to `domain_errors`, which turns them into pages."""
    caught = Caught()
    try:
        yield caught
    except DomainError as exc:
        if exc.status in up or (only is not None and exc.status not in only):
            raise
        caught.error = exc
        if show is not None:
            show(exc)


def form_errors(form: forms.Form, aliases: Mapping[str, str | None] | None = None, *,
                up: Collection[int] = PAGE_STATUSES,
                show: Callable[[DomainError], None] | None = None,
                ) -> contextlib.AbstractContextManager[Caught]:
    """A form's action: its error goes on the form (add_domain_error, or `show`)."""
    return catch_domain_error(
        up=up, show=show or (lambda exc: add_domain_error(form, exc, aliases)))


def message_errors(request: HttpRequest, *, up: Collection[int] = PAGE_STATUSES,
                   only: Collection[int] | None = None,
                   ) -> contextlib.AbstractContextManager[Caught]:
    """A button's action: its error's detail becomes a flash message."""
    return catch_domain_error(up=up, only=only,
                              show=lambda exc: flash.error(request, exc.detail))
