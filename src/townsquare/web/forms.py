"""The page forms. They describe inputs only; the actions validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from townsquare.accounts.actions import authentication
from townsquare.core.clientaddr import client_address
from townsquare.core.errors import NotAuthenticated, RateLimited
from townsquare.posts import profiling
from townsquare.posts.models import Category, Report

# The one answer to "who is the client" (trusted proxies included): core/clientaddr.py.
client_ip = client_address


class PageForm(forms.Form):
    """Labels without Django's trailing colon: the pages style labels instead."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SignupForm(PageForm):
    # The sign-up action checks every field, the home included, and reports all errors at
    # once; the form only carries the values (and marks them required for the browser).
    email = forms.CharField(
        label=_("Email"), max_length=254, required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "required": True}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, required=False,
        help_text=_("At least 10 characters. Avoid common passwords."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "required": True}),
    )
    display_name = forms.CharField(
        label=_("Your name as neighbors will see it"), max_length=80, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "required": True}),
    )
    address = forms.CharField(
        label=_("Home address"), max_length=200, required=False,
        help_text=_("Street number and name, for example 3108 Occidental Dr. "
                  "Only you will ever see it; neighbors see your street."),
        widget=forms.TextInput(attrs={
            "autocomplete": "street-address", "list": "address-suggestions",
            "data-suggest": "address",
        }),
    )
    lat = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-map": "lat"}))
    lon = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-map": "lon"}))
    invitation = forms.CharField(required=False, widget=forms.HiddenInput)


class LoginForm(AuthenticationForm):
    """Django's login form over the one password check (accounts/actions/authentication.py),
    which holds the limits the API's token exchange shares."""

    rate_limited = False

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.label_suffix = ""
        self.fields["username"].label = _("Email")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True}
        )

    def clean(self) -> dict[str, Any]:
        try:
            self.user_cache = authentication.check_password(
                email=self.cleaned_data.get("username") or "",
                password=self.cleaned_data.get("password") or "",
                client=client_address(self.request), request=self.request)
        except RateLimited as exc:
            self.rate_limited = True
            raise ValidationError(exc.detail, code="rate_limited") from exc
        except NotAuthenticated as exc:
            raise self.get_invalid_login_error() from exc
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class VerifyForm(PageForm):
    code = forms.CharField(
        label=_("Code from your postcard"), max_length=40,
        help_text=_("8 letters and digits, like 7KQ2-M9XD. Dashes and spaces do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                      "autocapitalize": "characters", "spellcheck": "false"}),
    )


class InviteForm(PageForm):
    email = forms.CharField(
        label=_("Your neighbor's email"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


PERSON_PREFIX = "person_"


class PostForm(PageForm):
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)
    body = forms.CharField(label=_("What would you like to tell your neighbors?"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 6}))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices,
                                 initial=Category.GENERAL,
                                 widget=forms.Select(attrs={"data-category": "select"}))
    share_nearby = forms.BooleanField(
        label=_("Also share with nearby neighborhoods"), required=False,
        help_text=_("Residents of the neighborhoods next to yours will see it too."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in {**profiling.DETAIL_FIELDS, **profiling.OPTIONAL_FIELDS}.items():
            self.fields[PERSON_PREFIX + key] = forms.CharField(
                label=label, max_length=200, required=False
            )
        # Messages about the person description as a whole, shown inside its fieldset.
        self.person_errors: list[str] = []

    @property
    def person_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(PERSON_PREFIX)]

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("title", "body", "category", "share_nearby")]

    def person(self) -> dict[str, str]:
        return {
            name[len(PERSON_PREFIX):]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(PERSON_PREFIX) and value
        }

    @classmethod
    def initial_for(cls, post: Any) -> dict[str, Any]:
        initial = {"title": post.title, "body": post.body, "category": post.category,
                   "share_nearby": post.share_nearby}
        for key, value in (post.person or {}).items():
            initial[PERSON_PREFIX + key] = value
        return initial


class ReplyForm(PageForm):
    body = forms.CharField(label=_("Your reply"), max_length=3000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(PageForm):
    reason = forms.ChoiceField(label=_("Why are you reporting this?"),
                               choices=Report.Reason.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Anything the moderators should know? (optional)"),
                           max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    reply = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FollowNearbyForm(PageForm):
    follow = forms.MultipleChoiceField(
        label=_("Show shared posts from"), required=False, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, nearby: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["follow"].choices = [(str(n.pk), n.name) for n in nearby]


class SearchForm(PageForm):
    q = forms.CharField(label=_("Search posts"), max_length=200, required=False,
                        widget=forms.SearchInput())
