"""Real police incidents (Sacramento, January 2006) turned into neighbors' safety posts.

Only property and traffic incidents become posts. Reports about people (missing persons,
domestic calls, mental-health holds, drugs, warrants) are left out: neighbors would not
post them and the demo must not look as if it did. Posts name the block, never a house
number, and never describe a person.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from townsquare.places.selectors import normalise_address

# (pattern on the offense text, title label, phrase for the body, a neighborly tip)
_KINDS: tuple[tuple[re.Pattern[str], str, str, str], ...] = tuple(
    (re.compile(pattern), title, phrase, tip)
    for pattern, title, phrase, tip in (
        (r"VANDALISM GRAF", "Graffiti", "graffiti",
         "The city removes graffiti for free if you report it to 311."),
        (r"VANDALISM", "Vandalism", "vandalism",
         "If your camera caught anything, the report number helps SPD match it up."),
        (r"BURGLARY RESIDENCE", "Home burglary", "a home burglary",
         "Worth double-checking side gates and garage doors tonight."),
        (r"BURGLARY VEHICLE", "Car break-in", "a car break-in",
         "Please don't leave bags or chargers in sight in parked cars."),
        (r"BURGLARY BUSINESS", "Business burglary", "a burglary at a business",
         "If you run a shop nearby, check your back door and alarm."),
        (r"^10851\(A\)|TAKE VEH", "Stolen car", "a stolen car",
         "A steering-wheel lock is cheap and really does help."),
        (r"PETTY THEFT/LICENSE PLATE", "Stolen license plate", "a stolen license plate",
         "Tamper-proof plate screws cost a few dollars at the hardware store."),
        (r"CLOUT UNLOCKED", "Theft from an unlocked car", "a theft from an unlocked car",
         "Lock the car even in the driveway."),
        (r"PETTY THEFT/ ?OUTSIDE", "Theft outdoors", "a theft from a yard or porch",
         "Bring tools and bikes in at night."),
        (r"THEFT OF MAIL", "Mail theft", "mail theft",
         "Pick up your mail early, or ask the post office to hold it when you travel."),
        (r"GRAND THEFT", "Grand theft", "a grand theft",
         "Engrave or photograph serial numbers of bikes and tools."),
        (r"CARJACKING", "Carjacking", "a carjacking",
         "Please be aware of your surroundings when parking after dark."),
        (r"ROBBERY", "Robbery", "a robbery",
         "Walk in pairs after dark if you can, and call 911 if anything happens."),
        (r"HIT/RUN", "Hit-and-run", "a hit-and-run",
         "If you saw it or have footage, SPD would like to hear from you."),
        (r"TRAFFIC-ACCIDENT", "Traffic collision", "a traffic collision",
         "That intersection could use a slower pace; drive safe, everyone."),
        (r"ARSON|FIRES", "Fire", "a fire",
         "Check your smoke alarm batteries this week."),
    )
)


@dataclass(frozen=True)
class Incident:
    when: dt.datetime  # naive local time, as the source gives it
    address_key: str  # the gazetteer key of the incident's address
    title: str
    phrase: str
    tip: str
    where: str  # "on the 2000 block of Expedition Way" / "at Florin Rd and 24th St"


def kind_of(offense: str) -> tuple[str, str, str] | None:
    text = " ".join(offense.split()).upper()
    for pattern, title, phrase, tip in _KINDS:
        if pattern.search(text):
            return title, phrase, tip
    return None


def street_case(street: str) -> str:
    """"EXPEDITION WAY" -> "Expedition Way"; "24TH ST" -> "24th St"."""
    words = []
    for word in street.split():
        if word[0].isdigit():
            words.append(word.lower())
        else:
            words.append(word.capitalize())
    return " ".join(words)


# "4800 KOKOMO DR", "4800N KOKOMO DR", "2400 1/2 J ST": the number, then the street.
_NUMBER = re.compile(r"^(\d+)[A-Z]?(?:\s+\d+/\d+)?\s+(.+)$")


def where(address: str) -> str:
    """Block-level wording: never a house number."""
    key = normalise_address(address)
    if " / " in key:
        first, second = (street_case(part) for part in key.split(" / ", 1))
        return f"at {first} and {second}"
    match = _NUMBER.match(key)
    if not match:
        return f"on {street_case(key)}"
    hundred = int(match.group(1)) // 100 * 100
    block = "first block" if hundred == 0 else f"{hundred} block"
    return f"on the {block} of {street_case(match.group(2))}"


def recent(when: dt.datetime, now: dt.datetime) -> dt.datetime:
    """January 2006 moved to the last five weeks before `now`, keeping the time of day."""
    day = timezone.localdate(now) - dt.timedelta(days=33 - when.day)
    return timezone.make_aware(dt.datetime.combine(day, when.time()))


def read(path: Path) -> list[Incident]:
    """The incidents worth a neighbor's post, in file order."""
    result = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            kind = kind_of(row.get("crimedescr", ""))
            address = row.get("address", "").strip()
            if kind is None or not address:
                continue
            try:
                # Naive on purpose: only the day and the time of day are used.
                when = dt.datetime.strptime(  # noqa: DTZ007
                    row["cdatetime"].strip(), "%m/%d/%y %H:%M")
            except (KeyError, ValueError):
                continue
            title, phrase, tip = kind
            result.append(Incident(when=when, address_key=normalise_address(address),
                                   title=title, phrase=phrase, tip=tip,
                                   where=where(address)))
    return result
