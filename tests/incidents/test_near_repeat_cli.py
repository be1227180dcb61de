"""`townsquare near_repeat`, run as an analyst runs it: the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "townsquare"
BURKITT = Path(__file__).parent.parent / "stats" / "data" / "burkitt.csv"


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environ["TOWNSQUARE_VAR_DIR"] = str(tmp_path / "var")
    return subprocess.run([str(SCRIPT), "near_repeat", *args], env=environ,
                          capture_output=True, text=True, timeout=120, check=False)


def burkitt_csv(tmp_path: Path) -> Path:
    """The Burkitt cases with their day numbers written as dates."""
    origin = date(1960, 1, 1)
    lines = ["x,y,date"]
    for row in BURKITT.read_text().splitlines()[1:]:
        x, y, t, _age = row.split(",")
        lines.append(f"{x},{y},{(origin + timedelta(days=int(t))).isoformat()}")
    path = tmp_path / "burkitt.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_burkitt_through_the_console_script(tmp_path):
    out = tmp_path / "knox.json"
    result = run(tmp_path, str(burkitt_csv(tmp_path)), "--distance-bands", "0,20.01",
                 "--time-bands", "0,6", "--permutations", "999", "--seed", "7",
                 "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"Knox test: 188 events, 17578 pairs (3429 closer than 20.01), "
                             f"999 permutations; wrote {out}\n")
    report = json.loads(out.read_text())
    assert sorted(report) == ["expected", "knox_ratio", "observed", "p_value"]
    assert report["observed"] == [[13, 3416], [39, 14110]]
    assert report["expected"][0][0] == pytest.approx(10.144, abs=0.35)
    assert report["knox_ratio"][0][0] == pytest.approx(13 / report["expected"][0][0])
    assert 0.18 <= report["p_value"][0][0] <= 0.29
    # The same seed gives the same file.
    again = tmp_path / "again.json"
    run(tmp_path, str(burkitt_csv(tmp_path)), "--distance-bands", "0,20.01",
        "--time-bands", "0,6", "--permutations", "999", "--seed", "7", "--json", str(again))
    assert again.read_text() == out.read_text()


def test_manhattan_bands_and_null_ratio_where_nothing_is_expected(tmp_path):
    csv = tmp_path / "events.csv"
    csv.write_text("x,y,date,extra\n0,0,2024-01-01,a\n3,4,2024-01-03T10:00:00,b\n"
                   "100,0,2024-01-02,c\n")
    out = tmp_path / "out.json"
    result = run(tmp_path, str(csv), "--distance-bands", "0,10,1000", "--time-bands", "0,2",
                 "--metric", "manhattan", "--permutations", "9", "--seed", "1",
                 "--json", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "NaN" not in text and "Infinity" not in text
    report = json.loads(text)
    # Pairs: (0,1) 7 apart (manhattan), 2 days; (0,2) 100, 1 day; (1,2) 101, 1 day.
    assert report["observed"] == [[0, 1], [2, 0], [0, 0]]
    assert report["knox_ratio"][2] == [None, None]
    assert report["p_value"][2] == [1.0, 1.0]


@pytest.mark.parametrize(("content", "args", "message"), [
    ("x,y,when\n1,2,2024-01-01\n", (), "missing column(s) date"),
    ("x,y,date\n1,2,2024-01-01\nfoo,2,2024-01-02\n1,2,2024-13-01\n", (),
     "2 bad row(s), nothing written\nline 3: x and y must be numbers (got 'foo', '2')\n"
     "line 4: date must be an ISO 8601 date (got '2024-13-01')"),
    ("x,y,date\n1,2,2024-01-01\n", (), "needs at least 2 events, found 1"),
    ("x,y,date\n1,2,2024-01-01\n3,4,2024-01-02\n", ("--distance-bands", "10,5"),
     "--distance-bands: edges must be strictly increasing"),
    ("x,y,date\n1,2,2024-01-01\n3,4,2024-01-02\n", ("--time-bands", "-1,5"),
     "--time-bands: edges must not be negative"),
    ("x,y,date\n1,2,2024-01-01\n3,4,2024-01-02\n", ("--time-bands", "0,a"),
     "--time-bands: '0,a' is not a comma-separated list of numbers"),
])
def test_bad_input_says_why_and_writes_nothing(tmp_path, content, args, message):
    csv = tmp_path / "events.csv"
    csv.write_text(content)
    out = tmp_path / "out.json"
    options = {"--distance-bands": "0,10", "--time-bands": "0,7"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        options[flag] = value
    flat = [f"{flag}={value}" for flag, value in options.items()]
    result = run(tmp_path, str(csv), *flat, "--json", str(out))
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stdout == ""
    assert not out.exists()
    assert list(tmp_path.glob(".out.json.*")) == []


def test_an_unreadable_file_is_refused(tmp_path):
    out = tmp_path / "out.json"
    result = run(tmp_path, str(tmp_path / "nowhere.csv"), "--distance-bands", "0,1",
                 "--time-bands", "0,1", "--json", str(out))
    assert result.returncode == 1
    assert f"Cannot read {tmp_path / 'nowhere.csv'}" in result.stderr
    assert not out.exists()
