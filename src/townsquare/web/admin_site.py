"""The operators' admin site: Django's admin, whose door the policy module keeps.

Every model admin of the apps (core.admin.OperatorAdmin) asks this site, so core needs no
knowledge of who an operator is.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from townsquare import policy


class OperatorSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return policy.is_operator(request.user)
