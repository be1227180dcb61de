"""Targets: the whole jurisdiction, chosen neighborhoods, an area drawn on the map, and
every kind of bad target. The Testville grid: Alder Birch Cedar / Dogwood Elm Fir /
Ginkgo Hazel Ironwood, squares of 0.01 degrees from (-121.50, 38.60) (tests/factories.py)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.agencies.factories import make_agency, make_staff, publish
from tests.api.conftest import as_user, error_of
from townsquare.agencies import targeting
from townsquare.agencies.models import AgencyPost
from townsquare.core.errors import Invalid
from townsquare.feeds.models import FeedItem

W, N, S = factories.WEST, factories.NORTH, factories.STEP


def box(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon",
            "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def slugs(post: AgencyPost) -> list[str]:
    return sorted(FeedItem.objects.filter(agency_post=post)
                  .values_list("neighborhood__slug", flat=True))


@pytest.fixture
def patrol(city):
    """An agency whose jurisdiction is the top row and the middle: Alder, Birch, Cedar, Elm."""
    return make_agency(city, "North Patrol", domain="patrol.testville.gov",
                       neighborhoods=["alder", "birch", "cedar", "elm"])


@pytest.fixture
def officer(patrol):
    return make_staff(patrol, "publisher")


def test_no_target_is_the_whole_jurisdiction(patrol, officer):
    post = publish(officer, patrol)

    assert slugs(post) == ["alder", "birch", "cedar", "elm"]
    assert post.target_all is True


def test_all_neighborhoods_means_the_whole_city(police, agency_roles):
    post = publish(agency_roles["publisher"], police)

    assert slugs(post) == sorted(t.lower() for t in factories.TREES)


def test_chosen_neighborhoods(patrol, officer):
    post = publish(officer, patrol, neighborhoods=["elm", "ALDER", "elm"])

    assert slugs(post) == ["alder", "elm"]
    assert post.target_all is False


def test_an_area_reaches_every_neighborhood_it_overlaps(patrol, officer):
    # A box around the point where Alder, Birch, Dogwood and Elm meet.
    area = box(W + 0.5 * S, N - 1.5 * S, W + 1.5 * S, N - 0.5 * S)

    post = publish(officer, patrol, area=area)

    # Dogwood is overlapped too, but outside the jurisdiction: left out.
    assert slugs(post) == ["alder", "birch", "elm"]
    assert post.target_area == area


def test_an_area_given_as_a_feature_works_too(patrol, officer):
    feature = {"type": "Feature", "properties": {},
               "geometry": box(W + 0.2 * S, N - 0.8 * S, W + 0.8 * S, N - 0.2 * S)}

    assert slugs(publish(officer, patrol, area=feature)) == ["alder"]


def test_an_area_that_only_touches_a_neighborhood_does_not_reach_it(patrol, officer):
    # Exactly Alder's square: Birch, Dogwood and Elm share its edges or corner only.
    post = publish(officer, patrol, area=box(W, N - S, W + S, N))

    assert slugs(post) == ["alder"]


def test_the_area_keeps_the_audience_constant_time(city, patrol, officer):
    for name in ("Alder", "Birch", "Dogwood"):
        factories.make_resident(factories.nbhd(city, name))

    post = publish(officer, patrol, area=box(W + 0.5 * S, N - 1.5 * S, W + 1.5 * S,
                                             N - 0.5 * S))

    assert post.audience_size == 2  # Alder and Birch; Dogwood is not in the jurisdiction


@pytest.mark.parametrize(("target", "field", "message"), [
    ({"neighborhoods": []}, "neighborhoods",
     "Choose at least one neighborhood, or leave the field out to reach your whole "
     "jurisdiction."),
    ({"neighborhoods": ["hazel"]}, "neighborhoods",
     "'hazel' is outside your agency's jurisdiction."),
    ({"neighborhoods": ["atlantis"]}, "neighborhoods", "No neighborhood 'atlantis' in Testville."),
    ({"neighborhoods": "alder"}, "neighborhoods", "Must be a list of neighborhood slugs."),
    ({"area": box(-100.0, 40.0, -99.0, 41.0)}, "area",
     "The area drawn does not overlap any neighborhood of Testville."),
    ({"area": box(W + 2.2 * S, N - 2.8 * S, W + 2.8 * S, N - 2.2 * S)}, "area",
     "The area drawn overlaps no neighborhood of your agency's jurisdiction."),
    ({"area": {"type": "Point", "coordinates": [W, N]}}, "area",
     "Draw the area as a GeoJSON Polygon or MultiPolygon."),
    ({"area": {"type": "Polygon", "coordinates": [[[W, N], [W + S, N]]]}}, "area",
     "The area's coordinates are malformed."),
    ({"area": box(W, N, W, N + S)}, "area", "The area has no surface."),
    ({"area": box(200.0, 38.0, 201.0, 39.0)}, "area",
     "Coordinates must be WGS84 [longitude, latitude] within range."),
    ({"area": box(W, N - S, W + S, N), "neighborhoods": ["alder"]}, "area",
     "Target either chosen neighborhoods or an area drawn on the map, not both."),
])
def test_bad_targets(patrol, officer, target, field, message):
    with pytest.raises(Invalid) as raised:
        publish(officer, patrol, **target)

    assert raised.value.fields == {field: [message]}
    assert AgencyPost.objects.count() == 0 and FeedItem.objects.count() == 0


def test_a_self_intersecting_area_is_refused(patrol, officer):
    bow_tie = {"type": "Polygon", "coordinates": [[[W, N - S], [W + S, N], [W + S, N - S],
                                                   [W, N - 0.5 * S], [W, N - S]]]}

    with pytest.raises(Invalid) as raised:
        publish(officer, patrol, area=bow_tie)

    [message] = raised.value.fields["area"]
    assert message.startswith("The area is not a valid shape (Self-intersection")
    assert AgencyPost.objects.count() == 0


def test_an_agency_without_a_jurisdiction_cannot_target_everyone(city):
    from townsquare.agencies.models import Agency

    empty = make_agency(city, "Empty Office", domain="empty.testville.gov",
                        neighborhoods=["alder"])
    empty.jurisdiction.clear()
    assert isinstance(empty, Agency)

    with pytest.raises(Invalid) as raised:
        targeting.resolve(empty)

    assert raised.value.fields == {"neighborhoods": [
        "Your agency's jurisdiction has no neighborhoods; ask an operator to set it."]}


def test_the_audience_preview_writes_nothing(city, patrol, officer):
    factories.make_resident(factories.nbhd(city, "Elm"))
    client = as_user(officer)

    preview = client.post("/agencies/north-patrol/audience", {"neighborhoods": ["elm", "alder"]})
    whole = client.post("/agencies/north-patrol/audience", {})
    bad = client.post("/agencies/north-patrol/audience", {"neighborhoods": ["ironwood"]})

    assert preview.status_code == 200
    assert preview.json() == {"audience_size": 1, "neighborhoods": [
        {"slug": "alder", "name": "Alder", "verified_members": 0},
        {"slug": "elm", "name": "Elm", "verified_members": 1}]}
    assert [n["slug"] for n in whole.json()["neighborhoods"]] == ["alder", "birch", "cedar",
                                                                   "elm"]
    assert bad.status_code == 400
    assert error_of(bad)["fields"] == {
        "neighborhoods": ["'ironwood' is outside your agency's jurisdiction."]}
    assert AgencyPost.objects.count() == 0
