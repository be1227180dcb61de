"""Reach: audience at publish time, residents who have seen it, replies and thanks, in
total and per neighborhood."""

from __future__ import annotations

from tests import factories
from tests.agencies.factories import publish
from tests.api.conftest import as_user
from townsquare.agencies import actions


def test_reach_per_neighborhood(city, police, agency_roles):
    alder = [agency_roles["resident_in"],
             factories.make_resident(factories.nbhd(city, "Alder"))]
    elm = [factories.make_resident(factories.nbhd(city, "Elm")) for _ in range(3)]
    post = publish(agency_roles["publisher"], police, neighborhoods=["alder", "elm"])
    # A resident verified after publishing is not in the audience, but may see it.
    late = factories.make_resident(factories.nbhd(city, "Elm"))

    as_user(alder[0]).get(f"/agency-posts/{post.pk}")          # seen (opened)
    as_user(alder[0]).post(f"/inbox/{post.pk}/read")           # the same resident again
    as_user(elm[0]).post(f"/inbox/{post.pk}/read")             # seen (inbox)
    as_user(late).get(f"/agency-posts/{post.pk}")              # seen
    as_user(agency_roles["tips"]).get(f"/agency-posts/{post.pk}")  # staff: not a resident
    actions.reply_to_agency_post(elm[1], post, body="Saw it")
    actions.thank_agency_post(elm[2], post)
    actions.thank_agency_post(alder[1], post)

    response = as_user(agency_roles["tips"]).get(
        f"/agencies/testville-police/posts/{post.pk}/reach")

    assert response.status_code == 200
    assert response.json() == {
        "audience_size": 5, "seen": 3, "replies": 1, "thanks": 2,
        "neighborhoods": [
            {"slug": "alder", "name": "Alder", "audience": 2, "seen": 1, "replies": 0,
             "thanks": 1},
            {"slug": "elm", "name": "Elm", "audience": 3, "seen": 2, "replies": 1,
             "thanks": 1},
        ]}
