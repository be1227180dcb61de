"""The crime & safety guard against racial profiling, and what it must not catch."""

from __future__ import annotations

import pytest

from townsquare.core.errors import Invalid
from townsquare.posts import actions, profiling
from townsquare.posts.models import Post

FULL = {"top": "red hoodie", "bottom": "gray jeans", "shoes": "white sneakers"}


@pytest.mark.parametrize("text", [
    "Black man trying car doors", "white guy on a bike", "Asian woman knocking on doors",
    "two hispanic teens", "African-American male", "dark-skinned person by the gate",
    "a white young man", "BLACK SUSPECT",
])
def test_a_race_and_a_person_are_caught(text):
    assert profiling.mentions_race(text) is True


@pytest.mark.parametrize("text", [
    "white van circling the block", "black car with no plates", "A black SUV and a white sedan",
    "white truck parked on Elm", "a black cat in my yard", "Black Friday sale",
    "the white house on the corner", "man in a black hoodie", "woman wearing white shoes",
    "Asian restaurant opened", "Hispanic Heritage Month parade", "white picket fence",
])
def test_colors_of_things_are_not_caught(text):
    assert profiling.mentions_race(text) is False


def test_a_kids_bike_is_not_a_person():
    assert profiling.mentions_race("Stolen: black and white kids bike") is False
    assert profiling.mentions_race("Found a white kid's scooter on 5th") is False
    assert profiling.mentions_race("A white kid took my bike") is True


def crime(user, body: str, person: object = None) -> Post:
    return actions.create_post(user, body=body, title="Heads up", category="crime_safety",
                               person=person)


def test_a_crime_post_that_names_a_race_without_a_description_is_refused(roles):
    with pytest.raises(Invalid) as raised:
        crime(roles["neighbor"], "Black man trying car doors on Elm St")

    assert raised.value.detail == profiling.WARNING
    assert list(raised.value.fields or {}) == ["person"]
    assert Post.objects.count() == 0


def test_race_alone_is_not_a_description(roles):
    with pytest.raises(Invalid) as raised:
        crime(roles["neighbor"], "Someone trying car doors", {"race": "Black", "top": "hoodie"})

    assert raised.value.fields == {"person": [
        "Give at least 3 details besides race (for example clothing, build, hair). Race alone "
        "is not a description."]}


def test_a_full_description_is_accepted_and_kept(roles):
    post = crime(roles["neighbor"], "Someone trying car doors",
                 {**FULL, "race": " Black ", "favorite_color": "blue"})

    assert post.person == {**FULL, "race": "Black"}


def test_a_description_without_race_is_accepted(roles):
    assert crime(roles["neighbor"], "Someone trying car doors", FULL).person == FULL


@pytest.mark.parametrize("body", ["White van circling the block twice",
                                  "Black car with no plates parked overnight"])
def test_crime_posts_about_vehicles_pass_without_a_description(roles, body):
    assert crime(roles["neighbor"], body).person == {}


def test_other_categories_carry_no_person_description(roles):
    post = actions.create_post(roles["neighbor"], body="Lost: white kids bike",
                               category="lost_found", person=FULL)

    assert post.person == {}
