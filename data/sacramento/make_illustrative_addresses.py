"""Write addresses-illustrative.csv: demo address points in the OpenAddresses format.

ILLUSTRATIVE DATA, NOT REAL ADDRESS POINTS. Sacramento's real OpenAddresses file is not
shipped; this file lets the demo sign up with house numbers on real streets. It is made
from the block-level street addresses of crime-2006-01.csv: each incident point
"3108 OCCIDENTAL DR" gives the address itself and the two ends of its block's sides, 3100
(even side) and 3101 (odd side), all at the incident's point, so a house number between
two blocks of a street is interpolated by townsquare. Intersections are left out. The ZIP
code is that of the nearest of a few approximate ZIP code centres below: plausible, not
authoritative. Run: python3 data/sacramento/make_illustrative_addresses.py
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

HERE = Path(__file__).parent
# Approximate centres of Sacramento ZIP code areas (lat, lon), for illustration only.
ZIP_CENTRES = {
    "95811": (38.585, -121.488), "95814": (38.580, -121.495), "95815": (38.606, -121.447),
    "95816": (38.573, -121.467), "95817": (38.550, -121.456), "95818": (38.556, -121.497),
    "95819": (38.568, -121.437), "95820": (38.534, -121.445), "95821": (38.624, -121.383),
    "95822": (38.512, -121.494), "95823": (38.474, -121.443), "95824": (38.517, -121.441),
    "95825": (38.590, -121.405), "95826": (38.544, -121.378), "95827": (38.556, -121.328),
    "95828": (38.483, -121.400), "95831": (38.496, -121.529), "95832": (38.469, -121.488),
    "95833": (38.616, -121.505), "95834": (38.638, -121.507), "95835": (38.668, -121.526),
    "95838": (38.646, -121.444), "95841": (38.662, -121.346), "95842": (38.686, -121.349),
    "95864": (38.587, -121.377), "95660": (38.670, -121.375), "95608": (38.628, -121.328),
}
NUMBERED = re.compile(r"^(\d+) (\S.*)$")


def nearest_zip(lat: float, lon: float) -> str:
    return min(ZIP_CENTRES, key=lambda z: (ZIP_CENTRES[z][0] - lat) ** 2
               + ((ZIP_CENTRES[z][1] - lon) * 0.78) ** 2)


def main() -> None:
    found: list[tuple[int, str, tuple[float, float]]] = []
    with open(HERE / "crime-2006-01.csv", newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            address = " ".join(record["address"].split()).upper()
            match = NUMBERED.match(address)
            if not match or "/" in address:
                continue
            point = (float(record["latitude"]), float(record["longitude"]))
            found.append((int(match.group(1)), match.group(2), point))
    # The incident addresses keep their own points; block starts only fill the gaps.
    rows: dict[tuple[int, str], tuple[float, float]] = {}
    for number, street, point in found:
        rows.setdefault((number, street), point)
    for number, street, point in found:
        block = number // 100 * 100
        for n in (block, block + 1):
            rows.setdefault((n, street), point)
    with open(HERE / "addresses-illustrative.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["LON", "LAT", "NUMBER", "STREET", "UNIT", "CITY", "DISTRICT",
                         "REGION", "POSTCODE", "ID", "HASH"])
        for (number, street), (lat, lon) in sorted(rows.items(), key=lambda r: (r[0][1],
                                                                                 r[0][0])):
            writer.writerow([f"{lon:.6f}", f"{lat:.6f}", number, street, "", "SACRAMENTO", "",
                             "CA", nearest_zip(lat, lon), "", ""])


if __name__ == "__main__":
    main()
