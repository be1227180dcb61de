"""Turning police incident rows into neighbors' posts: block-level wording, no people."""

from __future__ import annotations

import pytest

from townsquare.demo.incidents import kind_of, street_case, where


@pytest.mark.parametrize(("address", "expected"), [
    ("2082 EXPEDITION WAY", "on the 2000 block of Expedition Way"),
    ("4800N KOKOMO DR", "on the 4800 block of Kokomo Dr"),
    ("2400 1/2 J ST", "on the 2400 block of J St"),
    ("22 BECKFORD CT", "on the first block of Beckford Ct"),
    ("FLORIN RD / 24TH ST", "at Florin Rd and 24th St"),
    ("  3108  occidental dr ", "on the 3100 block of Occidental Dr"),
    ("ELM ST", "on Elm St"),
])
def test_where_never_names_a_house(address, expected):
    assert where(address) == expected


def test_street_case_keeps_ordinals():
    assert street_case("21ST AVE") == "21st Ave"


@pytest.mark.parametrize(("offense", "title"), [
    ("594(B)(2)(A) VANDALISM/ -$400", "Vandalism"),
    ("594(B)(2)(A)VANDALISM GRAF-400", "Graffiti"),
    ("459 PC  BURGLARY RESIDENCE", "Home burglary"),
    ("459 PC BURGLARY VEHICLE", "Car break-in"),
    ("10851(A)VC TAKE VEH W/O OWNER", "Stolen car"),
    ("484 PETTY THEFT CLOUT UNLOCKED", "Theft from an unlocked car"),
    ("20002(A) HIT/RUN", "Hit-and-run"),
])
def test_property_and_traffic_incidents_become_posts(offense, title):
    kind = kind_of(offense)
    assert kind is not None and kind[0] == title


@pytest.mark.parametrize("offense", [
    "MISSING PERSON", "5150 WI DANGER SELF/OTHERS", "243(E)1 BATTERY NONCOHAB SPOUS",
    "11377(A)HS POSS AMPHETAMINES", "3056 PAROLE VIO - I RPT", "10851 VC AUTO THEFT LOCATE",
    "SUSP PERS-NO CRIME - I RPT",
])
def test_reports_about_people_are_left_out(offense):
    assert kind_of(offense) is None
