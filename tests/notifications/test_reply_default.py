"""Replies to my posts reach me by default, by email and push, until I turn them off."""

from __future__ import annotations

import pytest

from tests import factories
from townsquare.notifications import actions, kinds, selectors
from townsquare.notifications.models import NotificationPreference

pytestmark = pytest.mark.django_db


def test_a_resident_who_never_opened_the_settings_gets_replies(city):
    resident = factories.make_resident(factories.nbhd(city, "Alder"), name="Ada Alder")

    preference = selectors.settings_of(resident).preference

    assert (preference.email_reply_to_me, preference.push_reply_to_me) == (True, True)
    assert kinds.DEFAULTS["email_reply_to_me"] is kinds.DEFAULTS["push_reply_to_me"] is True


def test_a_new_preference_row_starts_with_replies_on_and_they_can_be_turned_off(city):
    resident = factories.make_resident(factories.nbhd(city, "Alder"), name="Ada Alder")

    actions.update_preferences(resident, {"push_reply_to_me": False})

    stored = NotificationPreference.objects.get(user=resident)
    assert (stored.email_reply_to_me, stored.push_reply_to_me) == (True, False)
