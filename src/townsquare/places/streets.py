"""US street addresses: one normal form for matching, and a readable form for people.

`street_key("Pocket Road")` and `street_key("POCKET RD")` are both "POCKET RD": suffixes
and directionals take their USPS abbreviations (Publication 28, appendices C1 and B), so
"7421 pocket road" finds "7421 Pocket Rd". `display_street("10TH ST")` is "10th St" and
`display_street("MCKINLEY BLVD")` is "McKinley Blvd": plain `str.title()` would give
"10Th St" and "Mckinley Blvd".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# USPS Publication 28, C1: common street suffixes and their standard abbreviations.
SUFFIXES: dict[str, str] = {
    "ALLEY": "ALY", "ALLY": "ALY", "ANNEX": "ANX", "ARCADE": "ARC", "AVENUE": "AVE",
    "AV": "AVE", "AVEN": "AVE", "AVENU": "AVE", "AVN": "AVE", "AVNUE": "AVE",
    "BAYOU": "BYU", "BEACH": "BCH", "BEND": "BND", "BLUFF": "BLF", "BOULEVARD": "BLVD",
    "BOUL": "BLVD", "BOULV": "BLVD", "BRANCH": "BR", "BRIDGE": "BRG", "BROOK": "BRK",
    "BYPASS": "BYP", "CAMP": "CP", "CANYON": "CYN", "CAUSEWAY": "CSWY", "CENTER": "CTR",
    "CENTRE": "CTR", "CIRCLE": "CIR", "CIRC": "CIR", "CIRCL": "CIR", "CRCL": "CIR",
    "CLIFF": "CLF", "CLUB": "CLB", "COMMON": "CMN", "COMMONS": "CMNS", "CORNER": "COR",
    "COURSE": "CRSE", "COURT": "CT", "COURTS": "CTS", "COVE": "CV", "CREEK": "CRK",
    "CRESCENT": "CRES", "CREST": "CRST", "CROSSING": "XING", "CURVE": "CURV",
    "DRIVE": "DR", "DRIV": "DR", "DRV": "DR", "ESTATE": "EST", "ESTATES": "ESTS",
    "EXPRESSWAY": "EXPY", "EXTENSION": "EXT", "FIELD": "FLD", "FIELDS": "FLDS",
    "FOREST": "FRST", "FORK": "FRK", "FREEWAY": "FWY", "GARDEN": "GDN", "GARDENS": "GDNS",
    "GATEWAY": "GTWY", "GLEN": "GLN", "GREEN": "GRN", "GROVE": "GRV", "HARBOR": "HBR",
    "HAVEN": "HVN", "HEIGHTS": "HTS", "HIGHWAY": "HWY", "HIWAY": "HWY", "HILL": "HL",
    "HILLS": "HLS", "HOLLOW": "HOLW", "ISLAND": "IS", "JUNCTION": "JCT", "KNOLL": "KNL",
    "LAKE": "LK", "LAKES": "LKS", "LANDING": "LNDG", "LANE": "LN", "LOOP": "LOOP",
    "MALL": "MALL", "MANOR": "MNR", "MEADOW": "MDW", "MEADOWS": "MDWS", "MILL": "ML",
    "MOTORWAY": "MTWY", "MOUNT": "MT", "MOUNTAIN": "MTN", "ORCHARD": "ORCH", "OVAL": "OVAL",
    "PARK": "PARK", "PARKWAY": "PKWY", "PARKWY": "PKWY", "PKWAY": "PKWY", "PKY": "PKWY",
    "PASS": "PASS", "PATH": "PATH", "PIKE": "PIKE", "PINE": "PNE", "PINES": "PNES",
    "PLACE": "PL", "PLAZA": "PLZ", "POINT": "PT", "POINTE": "PT", "PORT": "PRT",
    "PRAIRIE": "PR", "RANCH": "RNCH", "RIDGE": "RDG", "RIVER": "RIV", "ROAD": "RD",
    "ROADS": "RDS", "ROUTE": "RTE", "ROW": "ROW", "RUN": "RUN", "SHORE": "SHR",
    "SKYWAY": "SKWY", "SPRING": "SPG", "SPRINGS": "SPGS", "SQUARE": "SQ", "SQR": "SQ",
    "STATION": "STA", "STREET": "ST", "STR": "ST", "STRT": "ST", "SUMMIT": "SMT",
    "TERRACE": "TER", "TERR": "TER", "TRACE": "TRCE", "TRAIL": "TRL", "TRAILS": "TRL",
    "TURNPIKE": "TPKE", "VALLEY": "VLY", "VIEW": "VW", "VILLAGE": "VLG", "VISTA": "VIS",
    "WALK": "WALK", "WAY": "WAY", "WY": "WAY",
}
ABBREVIATIONS = frozenset(SUFFIXES.values())

# USPS Publication 28, B: directionals.
DIRECTIONALS: dict[str, str] = {
    "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W", "NORTHEAST": "NE",
    "NORTHWEST": "NW", "SOUTHEAST": "SE", "SOUTHWEST": "SW",
}
_DIRECTION_ABBREVIATIONS = frozenset(DIRECTIONALS.values())

# Secondary unit designators (Publication 28, C2) that start the unit part of a line.
UNIT_DESIGNATORS: dict[str, str] = {
    "APARTMENT": "APT", "APT": "APT", "UNIT": "UNIT", "SUITE": "STE", "STE": "STE",
    "BUILDING": "BLDG", "BLDG": "BLDG", "FLOOR": "FL", "FL": "FL", "ROOM": "RM", "RM": "RM",
    "SPACE": "SPC", "SPC": "SPC", "LOT": "LOT", "TRAILER": "TRLR", "TRLR": "TRLR", "#": "#",
}

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[.,]")
_HOUSE_NUMBER = re.compile(r"^(\d+)([A-Z]?)(?:\s+(\d+/\d+))?$")
_ORDINAL = re.compile(r"^(\d+)(ST|ND|RD|TH)$")
# "A ST / B ST", "A & B", "A AND B ST", "A @ B": two streets, not a home.
# A slash between digits is a fraction ("2400 1/2 J ST").
_INTERSECTION = re.compile(r"(?<!\d)/|/(?!\d)|&|@|\sAND\s")


def _tokens(text: str) -> list[str]:
    text = _PUNCTUATION.sub(" ", text.upper()).replace("#", " # ")
    return _SPACES.sub(" ", text).strip().split(" ") if text.strip() else []


def street_key(street: str) -> str:
    """The matching form of a street name: upper case, USPS suffix and directionals.

    Only the last word is a suffix ("AVENUE OF THE STARS" keeps its AVENUE), and a
    directional is abbreviated first or last ("NORTH B ST" -> "N B ST"), unless it is
    the whole name ("NORTH ST" stays "NORTH ST", "WEST AVE" likewise).
    """
    words = _tokens(street)
    if not words:
        return ""
    if len(words) >= 2 and words[-1] in SUFFIXES:
        words[-1] = SUFFIXES[words[-1]]
    if len(words) >= 3 and words[0] in DIRECTIONALS:
        words[0] = DIRECTIONALS[words[0]]
    if len(words) >= 3 and words[-1] in DIRECTIONALS:
        words[-1] = DIRECTIONALS[words[-1]]
        if words[-2] in SUFFIXES:  # "PARK AVENUE NORTH"
            words[-2] = SUFFIXES[words[-2]]
    return " ".join(words)


def is_intersection(text: str) -> bool:
    """Whether the text names a street corner ("3RD ST / O ST", "J & 12th"), not a home."""
    return bool(_INTERSECTION.search(f" {text.upper()} "))


@dataclass(frozen=True)
class ParsedAddress:
    """A one-line US street address: "7421 Pocket Road Apt 3" -> 7421, POCKET RD, APT 3."""

    number: str  # "7421", "12A", "2400 1/2"; "" when the text has none
    street: str  # street_key form
    unit: str = ""  # "APT 3", "# 4", ""

    @property
    def number_value(self) -> int | None:
        match = re.match(r"\d+", self.number)
        return int(match.group()) if match else None

    @property
    def key(self) -> str:
        return address_key(self.number, self.street, self.unit)


def address_key(number: str, street: str, unit: str = "") -> str:
    """The gazetteer key of an address: "7421 POCKET RD", "7421 POCKET RD APT 3"."""
    parts = [" ".join(_tokens(number)), street_key(street), unit_key(unit)]
    return " ".join(p for p in parts if p)


def unit_key(unit: str) -> str:
    words = _tokens(unit)
    if not words:
        return ""
    if words[0] in UNIT_DESIGNATORS:
        words[0] = UNIT_DESIGNATORS[words[0]]
    elif len(words) == 1:
        words = ["#", *words]  # OpenAddresses often gives the bare unit: "3"
    return " ".join(words)


def parse(text: str) -> ParsedAddress:
    """Split a one-line address into house number, street and unit (no city or ZIP)."""
    words = _tokens(text)
    number = ""
    if words and re.fullmatch(r"\d+[A-Z]?", words[0]) and not _ORDINAL.match(words[0]):
        number = words.pop(0)
        if words and re.fullmatch(r"\d+/\d+", words[0]):
            number = f"{number} {words.pop(0)}"
    unit = ""
    for i, word in enumerate(words):
        if word in UNIT_DESIGNATORS and i > 0:
            unit = unit_key(" ".join(words[i:]))
            words = words[:i]
            break
    return ParsedAddress(number=number, street=street_key(" ".join(words)), unit=unit)


def display_word(word: str) -> str:
    """One word of a street name as written on an envelope."""
    if word in _DIRECTION_ABBREVIATIONS or word in {"#"}:
        return word
    if ordinal := _ORDINAL.match(word):
        return f"{ordinal.group(1)}{ordinal.group(2).lower()}"  # 10TH -> 10th
    if word[:1].isdigit():
        return word.upper() if re.fullmatch(r"\d+[A-Z]", word) else word.lower()
    if len(word) > 2 and word.startswith("MC") and word[2].isalpha():
        return "Mc" + word[2:].capitalize()  # MCKINLEY -> McKinley
    if len(word) > 2 and word.startswith("O'"):
        return "O'" + word[2:].capitalize()
    if "-" in word:
        return "-".join(display_word(part) for part in word.split("-"))
    return word.capitalize()


def display_street(street: str) -> str:
    """ "10TH ST" -> "10th St", "MCKINLEY BLVD" -> "McKinley Blvd", "N ST" -> "N St"."""
    return " ".join(display_word(w) for w in _tokens(street))


def display_address(number: str, street: str, unit: str = "") -> str:
    """ "7421 Pocket Rd", "2400 1/2 J St", "1000 18th St Apt 3"."""
    unit_words = [display_word(w) if w not in UNIT_DESIGNATORS.values() or w == "#"
                  else w.capitalize() for w in _tokens(unit_key(unit))]
    parts = [number.upper(), display_street(street), " ".join(unit_words)]
    return " ".join(p for p in parts if p)


def display_text(text: str) -> str:
    """Any gazetteer text for people: a street address or an intersection."""
    if is_intersection(text):
        return " / ".join(display_street(part) for part in re.split(r"\s*[/&@]\s*", text))
    parsed = parse(text)
    return display_address(parsed.number, parsed.street, parsed.unit)
