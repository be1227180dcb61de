"""The notification settings form. It describes inputs; the action validates and decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from townsquare.notifications import kinds, quiet
from townsquare.web.forms import PageForm

# The channels as the page names them, inside sentences ("Replies to my posts: email").
CHANNEL_NAMES = {kinds.INBOX: _("inbox"), kinds.EMAIL: _("email"), kinds.PUSH: _("push")}

# (field, channel, kind) of every switch a resident may flip (urgent alerts have none).
SWITCHES = [(kinds.field_for(c, k), c, k) for k in kinds.KINDS for c in kinds.CHANNELS
            if kinds.field_for(c, k) is not None]


def time_zone_choices(city_time_zone: str, current: str) -> list[Any]:
    """The list of zone names grouped by area ("America", "Europe"...), after the first
    choice: empty, meaning the city's zone (the default, and it follows the city)."""
    names = list(quiet.time_zone_names())
    if current and current not in names:
        names.append(current)  # an older name kept as chosen, not silently changed
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in names:
        area, _slash, place = name.partition("/")
        groups.setdefault(area if place else _("Other"), []).append(
            (name, place.replace("_", " ").replace("/", " – ") if place else name))
    first = format_lazy(_("Your city's time zone ({zone})"), zone=city_time_zone) \
        if city_time_zone else _("Your city's time zone")
    return [("", first), *groups.items()]


class NotificationSettingsForm(PageForm):
    ALIASES = {"quiet_hours": "quiet_start"}

    email_enabled = forms.BooleanField(label=_("Email"), required=False)
    push_enabled = forms.BooleanField(label=_("Push notifications in subscribed browsers"),
                                      required=False)
    neighborhood_digest = forms.BooleanField(
        label=_("Send neighborhood posts by email as one daily digest"), required=False,
        help_text=_("Needs “New posts in my neighborhood” by email. One email a morning "
                  "with the day's posts, instead of one email per post."))
    quiet_start = forms.TimeField(label=_("Quiet hours start"), required=False,
                                  widget=forms.TimeInput(attrs={"type": "time"},
                                                         format="%H:%M"))
    quiet_end = forms.TimeField(label=_("Quiet hours end"), required=False,
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    time_zone = forms.ChoiceField(label=_("Time zone of the quiet hours"), required=False)

    def __init__(self, *args: Any, preference: Any, city_time_zone: str = "",
                 **kwargs: Any) -> None:
        initial = {name: getattr(preference, name) for name in (
            "email_enabled", "push_enabled", "neighborhood_digest", "quiet_start",
            "quiet_end", "time_zone")}
        for field, _channel, _kind in SWITCHES:
            initial[field] = getattr(preference, field)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(city_time_zone,
                                                             preference.time_zone)
        for field, channel, kind in SWITCHES:
            label = format_lazy(_("{kind}: {channel}"), kind=kinds.KIND_LABELS[kind],
                                channel=CHANNEL_NAMES[channel])
            # In a table cell: the checkbox is named by its row and column.
            self.fields[field] = forms.BooleanField(
                label=label, required=False,
                widget=forms.CheckboxInput(attrs={"aria-label": label}))

    def rows(self) -> list[dict[str, Any]]:
        """The table on the page: one row per kind, one cell per channel."""
        table = []
        for kind in kinds.KINDS:
            cells = []
            for channel in kinds.CHANNELS:
                field = kinds.field_for(channel, kind)
                carried = kind in kinds.CHANNEL_KINDS[channel]
                cells.append({"channel": CHANNEL_NAMES[channel], "carried": carried,
                              "field": self[field] if field else None})
            table.append({"kind": kind, "label": kinds.KIND_LABELS[kind], "cells": cells,
                          "urgent": kind == kinds.URGENT_ALERT})
        return table

    def changes(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
