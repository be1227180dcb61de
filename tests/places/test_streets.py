"""US street names: the matching key (USPS abbreviations) and the form for envelopes."""

from __future__ import annotations

import pytest

from townsquare.places import streets
from townsquare.places.selectors import normalise_address


@pytest.mark.parametrize(("street", "shown"), [
    ("10TH ST", "10th St"),
    ("1ST AVE", "1st Ave"),
    ("22ND ST", "22nd St"),
    ("53RD ST", "53rd St"),
    ("MCKINLEY BLVD", "McKinley Blvd"),
    ("MCCLATCHY WAY", "McClatchy Way"),
    ("N ST", "N St"),
    ("J ST", "J St"),
    ("CAPITOL MALL", "Capitol Mall"),
    ("POCKET RD", "Pocket Rd"),
    ("NW 23RD AVE", "NW 23rd Ave"),
    ("O'BRIEN CT", "O'Brien Ct"),
    ("FRANKLIN BLVD", "Franklin Blvd"),
    ("EL CAMINO AVE", "El Camino Ave"),
    ("I-80 FWY", "I-80 Fwy"),
    ("freeport boulevard", "Freeport Boulevard"),
])
def test_display_street(street, shown):
    assert streets.display_street(street) == shown


@pytest.mark.parametrize(("street", "key"), [
    ("Pocket Road", "POCKET RD"),
    ("POCKET RD", "POCKET RD"),
    ("10th Street", "10TH ST"),
    ("McKinley Boulevard", "MCKINLEY BLVD"),
    ("Riverside Avenue", "RIVERSIDE AVE"),
    ("Riverside Av.", "RIVERSIDE AVE"),
    ("Greenhaven Drive", "GREENHAVEN DR"),
    ("Alder Lane", "ALDER LN"),
    ("Hazel Court", "HAZEL CT"),
    ("Marina Circle", "MARINA CIR"),
    ("Florin Parkway", "FLORIN PKWY"),
    ("Elder Creek Place", "ELDER CREEK PL"),
    ("Sutterville Highway", "SUTTERVILLE HWY"),
    ("Park Terrace", "PARK TER"),
    ("North B Street", "N B ST"),
    ("Park Avenue North", "PARK AVE N"),
    ("Southwest Oak Trail", "SW OAK TRL"),
    ("North Street", "NORTH ST"),  # a directional that is the name stays
    ("West Avenue", "WEST AVE"),
    ("Avenue of the Stars", "AVENUE OF THE STARS"),  # only the last word is a suffix
    ("  quail   run ", "QUAIL RUN"),
    ("", ""),
])
def test_street_key(street, key):
    assert streets.street_key(street) == key


@pytest.mark.parametrize(("text", "number", "street", "unit"), [
    ("7421 pocket road", "7421", "POCKET RD", ""),
    ("7421 Pocket Rd.", "7421", "POCKET RD", ""),
    ("1000 18th Street Apt 3", "1000", "18TH ST", "APT 3"),
    ("1000 18th st, apartment 3", "1000", "18TH ST", "APT 3"),
    ("55 Quail Run #4", "55", "QUAIL RUN", "# 4"),
    ("55 Quail Run Suite 200", "55", "QUAIL RUN", "STE 200"),
    ("2400 1/2 J St", "2400 1/2", "J ST", ""),
    ("12A Alder Lane", "12A", "ALDER LN", ""),
    ("10th Street", "", "10TH ST", ""),  # an ordinal is not a house number
    ("Pocket Rd", "", "POCKET RD", ""),
])
def test_parse(text, number, street, unit):
    parsed = streets.parse(text)
    assert (parsed.number, parsed.street, parsed.unit) == (number, street, unit)


def test_number_value_and_key():
    parsed = streets.parse("2400 1/2 j street unit 5")
    assert (parsed.number_value, parsed.key) == (2400, "2400 1/2 J ST UNIT 5")
    assert streets.parse("Pocket Rd").number_value is None
    assert streets.unit_key("3") == "# 3"
    assert streets.unit_key("Apartment 3B") == "APT 3B"


@pytest.mark.parametrize(("text", "corner"), [
    ("3RD ST / O ST", True),
    ("BROADWAY/16TH ST", True),
    ("J St & 12th St", True),
    ("Freeport Blvd @ Pocket Rd", True),
    ("Pocket Rd and Freeport Blvd", True),
    ("2400 1/2 J ST", False),
    ("7421 Pocket Rd", False),
    ("100 Sandpiper Ln", False),
])
def test_intersections(text, corner):
    assert streets.is_intersection(text) is corner


@pytest.mark.parametrize(("text", "shown"), [
    ("7421 POCKET RD", "7421 Pocket Rd"),
    ("1000 18TH ST APT 3", "1000 18th St Apt 3"),
    ("55 QUAIL RUN # 4", "55 Quail Run # 4"),
    ("2400 1/2 J ST", "2400 1/2 J St"),
    ("3RD ST / O ST", "3rd St / O St"),
    ("5800 MCKINLEY BLVD", "5800 McKinley Blvd"),
])
def test_display_text(text, shown):
    assert streets.display_text(text) == shown


def test_the_gazetteer_key_matches_spellings_of_one_address():
    assert normalise_address("7421 pocket road") == normalise_address("7421 POCKET RD") \
        == "7421 POCKET RD"
    assert normalise_address(" 3rd st /  o st ") == "3RD ST / O ST"
    assert normalise_address("   ") == ""
