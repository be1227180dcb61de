"""The forms of the agency pages. Like web/forms.py, they carry the inputs only: fields are
optional here, and the agencies actions check everything and report every problem at once.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from townsquare.agencies.models import Agency, AgencyPost, AgencyStaff
from townsquare.core.errors import Invalid
from townsquare.web.forms import PageForm

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_FORMAT)


def datetime_field(label: str | Promise, help_text: str | Promise = "") -> forms.DateTimeField:
    # Read in the current time zone: the views activate the agency's city's.
    return forms.DateTimeField(label=label, required=False, help_text=help_text,
                               input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
                               widget=DateTimeLocalInput())


# --- joining ---------------------------------------------------------------------------------
class AgencyApplicationForm(PageForm):
    name = forms.CharField(label=_("Agency name"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    kind = forms.ChoiceField(label=_("Kind of agency"), choices=Agency.Kind.choices,
                             required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    website = forms.CharField(label=_("Official website"), max_length=300, required=False,
                              help_text=_("For example https://police.example.gov"),
                              widget=forms.URLInput(attrs={"autocomplete": "url"}))
    email_domain = forms.CharField(
        label=_("The agency's email domain"), max_length=200, required=False,
        help_text=_("Staff accounts will use addresses at this domain, for example "
                  "police.example.gov."))
    contact_name = forms.CharField(label=_("Your name"), max_length=200, required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact_email = forms.CharField(
        label=_("Your work email"), max_length=254, required=False,
        help_text=_("At the agency's domain: that is how we know you work there."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def __init__(self, *args: Any, cities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cities = {c.slug: c for c in cities}
        self.fields["city"].choices = [("", _("Choose a city"))] + [
            (c.slug, c.name) for c in cities]

    def chosen_city(self) -> Any:
        return self.cities.get(self.cleaned_data.get("city") or "")


class JurisdictionChoice:
    ALL, CHOSEN = "all", "chosen"


class ReviewForm(PageForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve: the agency is verified")), ("reject", _("Reject"))])
    jurisdiction = forms.ChoiceField(
        label=_("Jurisdiction (when approving)"), widget=forms.RadioSelect, required=False,
        initial=JurisdictionChoice.ALL, choices=[
            (JurisdictionChoice.ALL, _("Every neighborhood of the city")),
            (JurisdictionChoice.CHOSEN, _("Only the neighborhoods ticked below"))])
    neighborhoods = forms.MultipleChoiceField(label=_("Neighborhoods"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note for the record (optional)"), max_length=500,
                           required=False)

    def __init__(self, *args: Any, neighborhoods: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighborhoods"].choices = [(n.slug, n.name) for n in neighborhoods]


class StaffSetPasswordForm(SetPasswordForm):
    """Django's form (the password validators of the settings), with the pages' labels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("The same password again")


class SecondFactorForm(PageForm):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "spellcheck": "false", "autocapitalize": "off"}))


# --- posts -----------------------------------------------------------------------------------
NO_TARGET = _("Choose who should receive it: neighborhoods, an area, or the whole "
              "jurisdiction.")


class Target:
    ALL, NEIGHBORHOODS, AREA = "all", "neighborhoods", "area"
    CHOICES = [(ALL, _("The whole jurisdiction")), (NEIGHBORHOODS, _("Chosen neighborhoods")),
               (AREA, _("An area drawn on the map"))]


class AgencyPostForm(PageForm):
    """Writing a post. `targeting` False: the edit form (targets never change)."""

    kind = forms.ChoiceField(label=_("Kind of post"), choices=AgencyPost.Kind.choices,
                             required=False, widget=forms.Select(attrs={"data-kind": "select"}))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(label=_("Message"), max_length=5000, required=False,
                           help_text=_("Plain text: what you type is what residents read."),
                           widget=forms.Textarea(attrs={"rows": 7}))
    case_number = forms.CharField(label=_("Case number (optional)"), max_length=60,
                                  required=False)
    event_starts_at = datetime_field(_("Starts at"))
    event_place = forms.CharField(label=_("Place"), max_length=200, required=False)
    rfi_area = forms.CharField(label=_("Area it concerns (optional)"), max_length=300,
                               required=False,
                               help_text=_("For example: Alder Lane, 100 block."))
    rfi_from = datetime_field(_("From (optional)"))
    rfi_until = datetime_field(_("Until (optional)"))
    # No default: the whole jurisdiction is a choice the publisher makes, never a leftover.
    target = forms.ChoiceField(label=_("Who should receive it?"), choices=Target.CHOICES,
                               required=False)
    neighborhoods = forms.MultipleChoiceField(label=_("Neighborhoods"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    area = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-area": ""}))
    publish_at = datetime_field(_("Publish at (optional)"),
                                _("Leave empty to publish now. The time is the city's local "
                                  "time."))
    expires_at = datetime_field(_("Expires at (optional)"),
                                _("After this time it leaves residents' feeds and inboxes."))
    practice = forms.BooleanField(
        label=_("Practice mode: show it only to our staff"), required=False,
        help_text=_("The post looks exactly as residents would see it, but only your agency's "
                  "staff receive it."))
    image = forms.FileField(label=_("Image (optional)"), required=False,
                            help_text=_("JPEG, PNG or WebP, at most 5 MB. Location data and "
                                      "other metadata are removed."),
                            widget=forms.ClearableFileInput(
                                attrs={"accept": "image/jpeg,image/png,image/webp"}))
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)
    # The confirmation step's "Send" button carries the audience it showed.
    confirm_audience = forms.IntegerField(required=False, widget=forms.HiddenInput)
    draft = forms.IntegerField(required=False, widget=forms.HiddenInput)  # resumed from

    def __init__(self, *args: Any, neighborhoods: list[Any] | None = None,
                 targeting: bool = True, scheduled: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if targeting:
            self.fields["neighborhoods"].choices = [(n.slug, n.name)
                                                    for n in neighborhoods or []]
        else:
            for name in ("target", "neighborhoods", "area", "practice", "idempotency_key",
                         "confirm_audience", "draft"):
                del self.fields[name]
        if not scheduled:
            del self.fields["publish_at"]

    CONTENT = ("kind", "title", "body", "case_number")
    EVENT = ("event_starts_at", "event_place")
    RFI = ("rfi_area", "rfi_from", "rfi_until")

    def fieldset(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[name] for name in names if name in self.fields]

    @property
    def content_fields(self) -> list[forms.BoundField]:
        return self.fieldset(self.CONTENT)

    @property
    def event_fields(self) -> list[forms.BoundField]:
        return self.fieldset(self.EVENT)

    @property
    def rfi_fields(self) -> list[forms.BoundField]:
        return self.fieldset(self.RFI)

    def content(self) -> dict[str, Any]:
        """The kind, text and the kind's own fields, as the actions take them."""
        data = self.cleaned_data
        return {name: data.get(name) or (None if name in ("event_starts_at", "rfi_from",
                                                          "rfi_until") else "")
                for name in (*self.CONTENT, *self.EVENT, *self.RFI)}

    def targets(self) -> dict[str, Any]:
        """`neighborhoods` and `area` for publishing (neither: the whole jurisdiction).

        A drawing that is not JSON becomes a value the targeting refuses with its message;
        no choice at all is refused (the page never picks the whole jurisdiction itself).
        """
        return self.targets_of(self.cleaned_data)

    @staticmethod
    def targets_of(data: dict[str, Any]) -> dict[str, Any]:
        """targets() of given values (the form's initial ones, for the first preview)."""
        chosen = data.get("target")
        if not chosen:
            raise Invalid(_("Choose who should receive it."), {"target": [NO_TARGET]})
        if chosen == Target.NEIGHBORHOODS:
            return {"neighborhoods": list(data.get("neighborhoods") or [])}
        if chosen == Target.AREA:
            raw = (data.get("area") or "").strip()
            try:
                area = json.loads(raw) if raw else {}
            except ValueError:
                area = {}
            return {"area": area}
        return {}


class WithdrawForm(PageForm):
    note = forms.CharField(label=_("Why is it withdrawn? (optional, for the audit log)"),
                           max_length=500, required=False)


class StaffInviteForm(PageForm):
    email = forms.CharField(label=_("Work email"), max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    display_name = forms.CharField(label=_("Name shown to your colleagues (optional)"),
                                   max_length=80, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=AgencyStaff.Role.choices,
                             initial=AgencyStaff.Role.PUBLISHER, widget=forms.RadioSelect,
                             required=False)
