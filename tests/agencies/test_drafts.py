"""Drafts of agency posts: kept per agency for its publishers and admins, resumed, deleted."""

from __future__ import annotations

import pytest

from townsquare.agencies import actions
from townsquare.agencies.models import AgencyDraft
from townsquare.core.errors import Forbidden, NotFound


def test_a_publisher_saves_a_draft_and_an_admin_of_the_agency_finds_it(agency_roles, police):
    draft = actions.save_draft(agency_roles["publisher"], police, {
        "kind": "alert", "title": "Water main break", "body": "Closed on 5th.",
        "target": "neighborhoods", "neighborhoods": ["alder", "birch"], "practice": "",
        "junk": {"not": "kept"}, "number": 3})

    found = actions.drafts(agency_roles["admin"], police)
    assert [d.pk for d in found] == [draft.pk]
    assert (found[0].title, found[0].author, found[0].fields) == (
        "Water main break", agency_roles["publisher"],
        {"kind": "alert", "title": "Water main break", "body": "Closed on 5th.",
         "target": "neighborhoods", "neighborhoods": ["alder", "birch"], "practice": ""})


def test_saving_again_updates_the_same_draft(agency_roles, police):
    first = actions.save_draft(agency_roles["publisher"], police, {"title": "One"})
    again = actions.save_draft(agency_roles["admin"], police, {"title": "Two"},
                               draft_id=first.pk)

    assert again.pk == first.pk
    assert list(AgencyDraft.objects.values_list("title", "fields")) == [("Two",
                                                                        {"title": "Two"})]


@pytest.mark.parametrize("role", ["tips", "other_staff", "resident_in", "operator"])
def test_only_the_agencys_publishers_and_admins_see_and_keep_drafts(agency_roles, police,
                                                                     role):
    draft = actions.save_draft(agency_roles["publisher"], police, {"title": "Kept"})
    user = agency_roles[role]

    assert actions.drafts(user, police) == []
    with pytest.raises(Forbidden):
        actions.save_draft(user, police, {"title": "Mine"})
    with pytest.raises(Forbidden):
        actions.get_draft(user, police, draft.pk)
    with pytest.raises(Forbidden):
        actions.delete_draft(user, police, draft.pk)
    assert AgencyDraft.objects.count() == 1


def test_another_agencys_draft_is_not_found(agency_roles, police, water):
    theirs = actions.save_draft(agency_roles["other_staff"], water, {"title": "Theirs"})

    with pytest.raises(NotFound):
        actions.get_draft(agency_roles["admin"], police, theirs.pk)
    with pytest.raises(NotFound):
        actions.delete_draft(agency_roles["admin"], police, theirs.pk)


def test_deleting_a_draft(agency_roles, police):
    keep = actions.save_draft(agency_roles["publisher"], police, {"title": "Keep"})
    gone = actions.save_draft(agency_roles["publisher"], police, {"title": "Gone"})

    actions.delete_draft(agency_roles["admin"], police, gone.pk)

    assert [d.pk for d in actions.drafts(agency_roles["publisher"], police)] == [keep.pk]
