"""Agencies join: the public applies, an operator approves or rejects; operators can also
create an approved agency directly (`townsquare create_agency`)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from townsquare import policy
from townsquare.agencies.models import Agency
from townsquare.core import audit, ratelimit
from townsquare.core.errors import Conflict, Forbidden, Invalid
from townsquare.core.slugs import slugify
from townsquare.core.text import clean_email, clean_text, scrub
from townsquare.places.models import City, Neighborhood

# Path words under /api/v1/agencies/ that an agency slug must not shadow.
RESERVED_SLUGS = frozenset({"applications", "new"})
_DOMAIN = re.compile(r"^(?=.{3,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def apply_for_agency(
    *, name: object, kind: object, city: City | None, website: object = "",
    email_domain: object = "", contact_name: object = "", contact_email: object = "",
    client: str = "", actor: Any = None,
) -> Agency:
    """Anyone may apply on behalf of an agency; it waits for an operator's review.

    The contact must write from the agency's email domain: that, and the official website,
    are what the operator checks before approving.
    """
    cleaned = _clean_profile(name=name, kind=kind, city=city, website=website,
                             email_domain=email_domain, contact_name=contact_name,
                             contact_email=contact_email, require_contact=True)
    ratelimit.hit("signup", f"agency:{client or 'unknown'}",
                  message=_("Too many applications from here. Try again later."))
    with transaction.atomic(durable=True):
        agency = _create(cleaned, status=Agency.Status.PENDING)
        audit.record(actor, "agencies.apply", agency, agency=agency, name=agency.name)
    return agency


def _review_note(note: object) -> str:
    """An operator's note on an application: cleaned text, at most 500 characters."""
    return scrub(str(note or "")).strip()[:500]


def approve_agency(actor: Any, agency: Agency, *, note: str = "",
                   all_neighborhoods: bool = False,
                   neighborhoods: list[str] | None = None) -> Agency:
    """An operator approves an application: the agency is verified from now on.

    With `all_neighborhoods` or `neighborhoods` (slugs of its city), its jurisdiction is
    set in the same step; without either it is left as it is.
    """
    if not policy.can_review_agencies(actor):
        raise Forbidden(_("Only operators review agency applications."))
    note = _review_note(note)
    chosen: list[Neighborhood] | None = None
    if all_neighborhoods and neighborhoods is not None:
        raise Invalid(_("Give the jurisdiction: all neighborhoods, or a list of them."), {
            "neighborhoods": [_("Choose all neighborhoods, or name at least one.")]})
    if all_neighborhoods:
        chosen = []
    elif neighborhoods is not None:
        chosen = _jurisdiction(agency.city, neighborhoods)
    scope = {} if chosen is None else {"all_neighborhoods": all_neighborhoods}
    with transaction.atomic(durable=True):
        now = timezone.now()
        updated = Agency.objects.filter(pk=agency.pk, status=Agency.Status.PENDING).update(
            status=Agency.Status.APPROVED, verified_at=now, reviewed_by=actor,
            review_note=note, **scope)
        if not updated:
            raise Conflict(_("This application has already been reviewed."))
        if chosen is not None:
            agency.jurisdiction.set(chosen)
            scope["neighborhoods"] = [n.slug for n in chosen]
        audit.record(actor, "agencies.approve", agency, agency=agency, note=note,
                     **scope)
    agency.refresh_from_db()
    return agency


def reject_agency(actor: Any, agency: Agency, *, note: str = "") -> Agency:
    if not policy.can_review_agencies(actor):
        raise Forbidden(_("Only operators review agency applications."))
    note = _review_note(note)
    with transaction.atomic(durable=True):
        updated = Agency.objects.filter(pk=agency.pk, status=Agency.Status.PENDING).update(
            status=Agency.Status.REJECTED, reviewed_by=actor, review_note=note)
        if not updated:
            raise Conflict(_("This application has already been reviewed."))
        audit.record(actor, "agencies.reject", agency, agency=agency, note=note)
    agency.refresh_from_db()
    return agency


def create_agency(
    *, name: object, city: City, all_neighborhoods: bool = False,
    neighborhoods: list[str] | None = None, kind: object = Agency.Kind.OTHER,
    website: object = "", email_domain: object = "", actor: Any = None,
) -> Agency:
    """An approved, verified agency, made by an operator (or the CLI, `actor` None).

    The jurisdiction is every neighborhood of the city, or the given slugs (all of which
    must exist in the city).
    """
    if actor is not None and not policy.can_review_agencies(actor):
        raise Forbidden(_("Only operators create agencies."))
    cleaned = _clean_profile(name=name, kind=kind, city=city, website=website,
                             email_domain=email_domain, contact_name="", contact_email="",
                             require_contact=False)
    if all_neighborhoods == (neighborhoods is not None):
        raise Invalid(_("Give the jurisdiction: all neighborhoods, or a list of them."), {
            "neighborhoods": [_("Choose all neighborhoods, or name at least one.")]})
    chosen: list[Neighborhood] = []
    if neighborhoods is not None:
        chosen = _jurisdiction(city, neighborhoods)
    with transaction.atomic(durable=True):
        agency = _create(cleaned, status=Agency.Status.APPROVED,
                         all_neighborhoods=all_neighborhoods)
        agency.jurisdiction.set(chosen)
        audit.record(actor, "agencies.create", agency, agency=agency, name=agency.name,
                     all_neighborhoods=all_neighborhoods,
                     neighborhoods=[n.slug for n in chosen])
    return agency


def _jurisdiction(city: City, slugs: list[str]) -> list[Neighborhood]:
    wanted = list(dict.fromkeys(s.strip().lower() for s in slugs if s.strip()))
    if not wanted:
        raise Invalid(_("Name at least one neighborhood."),
                      {"neighborhoods": [_("Name at least one neighborhood.")]})
    found = {n.slug: n for n in Neighborhood.objects.filter(city=city, slug__in=wanted)}
    missing = [s for s in wanted if s not in found]
    if missing:
        raise Invalid(
            _("No neighborhood %(slugs)s in %(city)s.")
            % {"slugs": ", ".join(missing), "city": city.name},
            {"neighborhoods": [_("No neighborhood %(slug)s in %(city)s.")
                               % {"slug": repr(s), "city": city.name} for s in missing]})
    return [found[s] for s in wanted]


def _clean_profile(*, name: object, kind: object, city: City | None, website: object,
                   email_domain: object, contact_name: object, contact_email: object,
                   require_contact: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {"city": city}

    def check(field: str, fn: Any) -> None:
        try:
            cleaned[field] = fn()
        except Invalid as exc:
            errors.update(exc.fields or {field: [exc.detail]})

    check("name", lambda: clean_text(name, field="name", max_length=200))
    if "name" in cleaned and not slugify(cleaned["name"]):
        errors["name"] = [_("The name needs letters or digits.")]
    if kind not in Agency.Kind.values:
        errors["kind"] = [_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Agency.Kind.values)}]
    cleaned["kind"] = kind
    if city is None:
        errors["city"] = [_("Choose the agency's city.")]
    check("website", lambda: _clean_website(website, required=require_contact))
    check("email_domain", lambda: _clean_domain(email_domain, required=require_contact))
    check("contact_name", lambda: clean_text(contact_name, field="contact_name",
                                             max_length=200, required=require_contact))
    if require_contact:
        check("contact_email", lambda: clean_email(contact_email))
        domain = cleaned.get("email_domain")
        address = cleaned.get("contact_email")
        if domain and address and not _in_domain(address, domain):
            errors["contact_email"] = [
                _("Use an address at %(domain)s, the agency's domain.") % {"domain": domain}]
    else:
        cleaned["contact_email"] = ""
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    return cleaned


def _clean_website(value: object, *, required: bool) -> str:
    text = clean_text(value, field="website", max_length=300, required=required)
    if not text:
        return ""
    try:
        URLValidator(schemes=["https", "http"])(text)
    except ValidationError as exc:
        raise Invalid(_("Enter the agency's website."),
                      {"website": [_("Enter a full address, like https://police.example.gov.")]}
                      ) from exc
    return text


def _clean_domain(value: object, *, required: bool) -> str:
    text = clean_text(value, field="email_domain", max_length=200, required=required)
    text = text.lower().removeprefix("@")
    if text and not _DOMAIN.match(text):
        raise Invalid(_("Enter an email domain."),
                      {"email_domain": [_("Enter a domain, like police.example.gov.")]})
    return text


def _in_domain(email: str, domain: str) -> bool:
    host = email.rsplit("@", 1)[-1].lower()
    return host == domain or host.endswith("." + domain)


def _create(cleaned: dict[str, Any], *, status: str, all_neighborhoods: bool = False) -> Agency:
    """Insert with a site-wide unique slug: the name's, else name + city, else numbered."""
    city: City = cleaned["city"]
    base = slugify(cleaned["name"])[:180]
    candidates = [base, f"{base}-{city.slug}"[:190]] + [
        f"{base}-{city.slug}"[:190] + f"-{n}" for n in range(2, 50)]
    for slug in candidates:
        if slug in RESERVED_SLUGS or Agency.objects.filter(slug=slug).exists():
            continue
        try:
            with transaction.atomic():
                return Agency.objects.create(
                    name=cleaned["name"], slug=slug, kind=cleaned["kind"], city=city,
                    website=cleaned.get("website", ""),
                    email_domain=cleaned.get("email_domain", ""),
                    contact_name=cleaned.get("contact_name", ""),
                    contact_email=cleaned.get("contact_email", ""),
                    status=status, all_neighborhoods=all_neighborhoods,
                    verified_at=timezone.now() if status == Agency.Status.APPROVED else None,
                )
        except IntegrityError:  # taken meanwhile by a concurrent application
            continue
    raise Conflict(_("Too many agencies have this name."))

