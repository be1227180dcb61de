"""The coverage pages."""

from __future__ import annotations

from django.urls import URLPattern

# This module's routes; web/urls.py adds them to the site's.
urlpatterns: list[URLPattern] = []
