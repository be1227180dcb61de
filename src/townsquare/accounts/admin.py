"""Accounts for operators: users, residents (with the private home address, to mail
postcards), verification, invitations and API tokens.

Verification and leads change derived state (member counts, launches, founding members),
so the admin changes them only through the accounts actions, as admin actions. An account's
standing (active, operator, superuser) changes through accounts.actions.change_account,
audited, which refuses to make an agency staff account an operator.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from townsquare import policy
from townsquare.accounts import actions
from townsquare.accounts.actions.operators import ACCOUNT_FLAGS, check_account_change
from townsquare.accounts.models import (
    ApiToken,
    Invitation,
    PostcardBatch,
    Resident,
    User,
    VerificationCode,
)
from townsquare.core.admin import OperatorAdmin
from townsquare.core.errors import DomainError


class AccountChangeForm(BaseUserAdmin.form):
    """The user change form: a change of standing the action refuses is a form error."""

    actor: Any = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        flags = {name: cleaned[name] for name in ACCOUNT_FLAGS if name in cleaned}
        try:
            check_account_change(self.actor, self.instance, **flags)
        except DomainError as exc:
            raise ValidationError(exc.detail) from exc
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["email", "display_name", "is_active", "is_staff", "is_demo", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "is_demo"]
    search_fields = ["email", "display_name"]
    ordering = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password", "display_name"]}),
        (_("Status"), {"fields": ["is_active", "is_demo", "date_joined", "last_login"]}),
        (_("Operator rights"), {"fields": ["is_staff", "is_superuser", "groups",
                                        "user_permissions"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"],
                "fields": ["email", "display_name", "password1", "password2"]}),
    ]
    filter_horizontal = ["groups", "user_permissions"]
    form = AccountChangeForm

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, AccountChangeForm):
            form = type(form.__name__, (form,), {"actor": request.user})
        return form

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm,
                   change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)  # a new account: no flags set
            return
        flags = {name: form.cleaned_data[name] for name in ACCOUNT_FLAGS
                 if name in form.cleaned_data}
        # The form saves the plain data; the standing changes only through the action.
        saved = User.objects.filter(pk=obj.pk).values(*ACCOUNT_FLAGS).get()
        for name, value in saved.items():
            setattr(obj, name, value)
        super().save_model(request, obj, form, change)
        actions.change_account(request.user, obj, **flags)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = ["is_demo", "date_joined", "last_login"]
        if policy.can_grant_operator(request.user):
            return fixed
        # Only superusers make operators; other operators may deactivate accounts.
        return [*fixed, "email", "is_staff", "is_superuser", "groups", "user_permissions"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.is_operator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.is_operator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return policy.can_grant_operator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: posts and the audit log refer to accounts


class VerifiedFilter(admin.SimpleListFilter):
    title = _("verified")
    parameter_name = "verified"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("yes", _("Verified")), ("no", _("Waiting"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(verified_at__isnull=self.value() == "no")
        return queryset


class LeadFilter(admin.SimpleListFilter):
    title = _("lead")
    parameter_name = "lead"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("yes", _("Leads")), ("no", _("Not leads"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(lead_since__isnull=self.value() == "no")
        return queryset


@admin.register(Resident)
class ResidentAdmin(OperatorAdmin):
    list_display = ["email", "display_name", "neighborhood", "home_address", "verified_at",
                    "verification_method", "founding_member", "lead_since"]
    list_filter = [VerifiedFilter, LeadFilter, "verification_method", "founding_member",
                   "user__is_demo", "neighborhood__city"]
    search_fields = ["user__email", "user__display_name", "home_address", "street",
                     "neighborhood__name"]
    list_select_related = ["user", "neighborhood"]
    # The private home is shown here on purpose: operators mail the postcards to it.
    readonly_fields = ["user", "neighborhood", "home_address", "street", "home_lat",
                       "home_lon", "verified_at", "verification_method", "founding_member",
                       "lead_since", "created_at"]
    exclude = ["muted_nearby"]
    actions = ["verify_selected", "appoint_lead", "remove_lead"]

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, resident: Resident) -> str:
        return resident.user.email

    @admin.display(description=_("name"), ordering="user__display_name")
    def display_name(self, resident: Resident) -> str:
        return resident.user.display_name

    @admin.action(description=_("Verify selected residents"))
    def verify_selected(self, request: HttpRequest, queryset: QuerySet[Resident]) -> None:
        self.run_action(request, queryset, _("Verify"), lambda r: actions.verify_resident(
            r, method=Resident.Method.OPERATOR, actor=request.user))

    @admin.action(description=_("Appoint as lead"))
    def appoint_lead(self, request: HttpRequest, queryset: QuerySet[Resident]) -> None:
        self.run_action(request, queryset, _("Appoint as lead"),
                        lambda r: actions.appoint_lead(request.user, r))

    @admin.action(description=_("Remove as lead"))
    def remove_lead(self, request: HttpRequest, queryset: QuerySet[Resident]) -> None:
        self.run_action(request, queryset, _("Remove as lead"),
                        lambda r: actions.remove_lead(request.user, r))


@admin.register(PostcardBatch)
class PostcardBatchAdmin(OperatorAdmin):
    list_display = ["__str__", "status", "created_at", "created_by", "file_name"]
    list_filter = ["status"]
    readonly_fields = ["status", "created_at", "created_by", "file_name", "error"]
    exclude = ["residents"]


@admin.register(VerificationCode)
class VerificationCodeAdmin(OperatorAdmin):
    # Codes are stored as keyed hashes only; there is nothing secret to show.
    list_display = ["resident", "batch", "created_at", "expires_at", "used_at", "revoked_at"]
    list_select_related = ["resident__user", "batch"]
    search_fields = ["resident__user__email"]
    fields = readonly_fields = ["resident", "batch", "created_at", "expires_at", "used_at",
                                "revoked_at"]


@admin.register(Invitation)
class InvitationAdmin(OperatorAdmin):
    list_display = ["email", "inviter", "created_at", "expires_at", "used_at", "used_by"]
    list_select_related = ["inviter__user", "used_by__user"]
    search_fields = ["email", "inviter__user__email"]
    fields = readonly_fields = ["inviter", "email", "created_at", "expires_at", "used_at",
                                "used_by"]


@admin.register(ApiToken)
class ApiTokenAdmin(OperatorAdmin):
    list_display = ["prefix", "user", "label", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["prefix", "user__email", "label"]
    fields = readonly_fields = ["user", "prefix", "label", "created_at", "last_used_at"]
