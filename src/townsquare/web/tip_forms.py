"""The forms of the tips pages (docs/tips-and-questions.md). Like web/forms.py they carry
the inputs only: the tips actions check everything and report problems by field."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from townsquare.web.forms import PageForm

MAX_PHOTOS = 4
STATUS_CHOICES = [("new", _("New")), ("reviewing", _("Reviewing")),
                  ("actionable", _("Actionable")), ("closed", _("Closed"))]


class Mode:
    PRIVATE, ANONYMOUS = "private", "anonymous"


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to a few photos in one input; the tips action decodes and checks each."""

    widget = MultiplePhotoInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Attach at most %(count)s photos.") % {"count": MAX_PHOTOS})
        return [super(PhotosField, self).clean(f, initial) for f in files]


class TipForm(PageForm):
    mode = forms.ChoiceField(
        label=_("Who may know it is you?"), widget=forms.RadioSelect, required=False,
        choices=[(Mode.ANONYMOUS, _("Anonymous: nothing links the tip to you")),
                 (Mode.PRIVATE, _("Private: the tips staff see your name and neighborhood"))])
    body = forms.CharField(
        label=_("Your tip"), required=False,
        help_text=_("What you saw or know: what, when, who, vehicles. Leave out anything "
                    "that identifies you if you send it anonymously."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 5000}))
    where = forms.CharField(
        label=_("Where (optional)"), max_length=200, required=False,
        help_text=_("A street, a corner or a landmark."))
    lat = forms.FloatField(label=_("Latitude (optional)"), required=False,
                           widget=forms.NumberInput(attrs={"step": "any"}))
    lon = forms.FloatField(label=_("Longitude (optional)"), required=False,
                           widget=forms.NumberInput(attrs={"step": "any"}))
    photos = PhotosField(
        label=_("Photos (optional)"), required=False,
        help_text=_("Up to 4 images. Their hidden details (camera, place, time) are removed "
                    "before they are kept."),
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    post = forms.IntegerField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, signed_in: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("mode", Mode.ANONYMOUS)
        kwargs["initial"].setdefault("idempotency_key", secrets.token_urlsafe(16))
        super().__init__(*args, **kwargs)
        if not signed_in:
            # Without an account a tip can only be anonymous: there is no choice to make.
            del self.fields["mode"]

    def anonymous(self) -> bool | None:
        mode = self.cleaned_data.get("mode")
        return None if not mode else mode == Mode.ANONYMOUS

    def text(self) -> str:
        """The tip's text; the typed place, if any, on a line of its own at the end."""
        body = (self.cleaned_data.get("body") or "").strip()
        where = (self.cleaned_data.get("where") or "").strip()
        if body and where:
            return f"{body}\n\n{_('Where:')} {where}"
        return body


class CodeForm(PageForm):
    code = forms.CharField(
        label=_("Your follow-up code"), max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off",
                                      "spellcheck": "false"}))


class TipsterReplyForm(PageForm):
    code = forms.CharField(max_length=100, widget=forms.HiddenInput)
    body = forms.CharField(label=_("Write back to the agency"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))


# --- the agency's side -------------------------------------------------------------------------
class InboxFilterForm(PageForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *STATUS_CHOICES])
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}))

    def __init__(self, *args: Any, staff: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Anyone")), ("none", _("Nobody")), *staff]


class StaffReplyForm(PageForm):
    body = forms.CharField(label=_("Reply to the tipster"), required=False,
                           help_text=_("The tipster reads it with their follow-up code."),
                           widget=forms.Textarea(attrs={"rows": 4}))


class TriageForm(PageForm):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=300,
                           help_text=_("Separated by commas, for example: graffiti, 5th street"))
    case_number = forms.CharField(label=_("Case number"), required=False, max_length=64)

    def __init__(self, *args: Any, staff: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody")), *staff]


class NoteForm(PageForm):
    body = forms.CharField(label=_("Internal note"), required=False,
                           help_text=_("Only the agency's tips staff and admins read notes."),
                           widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(PageForm):
    into = forms.IntegerField(label=_("Merge into tip number"), min_value=1)


class HideForm(PageForm):
    reason = forms.CharField(label=_("Why hide this tip?"), max_length=500)


class UnhideForm(PageForm):
    """Showing a hidden tip again: a button, nothing to fill in."""


class ForwardForm(PageForm):
    to_agency = forms.ChoiceField(label=_("Forward to"))
    note = forms.CharField(label=_("Note for the other agency (optional)"), required=False,
                           max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].choices = [("", _("Choose an agency")), *agencies]


class OutcomeForm(PageForm):
    body = forms.CharField(
        label=_("What came of it"), required=False,
        help_text=_("For example: an arrest was made; the tagging stopped. Everyone who "
                    "replied or sent a tip about this request receives it."),
        widget=forms.Textarea(attrs={"rows": 3}))
