"""Shared geometry under concurrency: a cold server answers simultaneous area previews.

The per-process neighborhood index is shared by every request thread, and GEOS does not
allow two threads in one prepared geometry or STRtree at once (places/geoindex.py,
"Threads"). Four audience previews with a drawn area sent at once to a freshly started
server used to kill it with a segfault in GEOS. Here a real `townsquare serve` process is
started cold, several times, and each time the first thing it gets is a burst of
concurrent previews of drawn areas; every answer must be right and the server alive.
"""

from __future__ import annotations

import functools
import json
import math
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import shape

from tests.cli.conftest import command_env, townsquare
from tests.cli.test_serve import (
    DEADLINE,
    Served,
    answers,
    children_of,
    is_running,
    wait_for,
)
from tests.places.shapes import NEIGHBORHOODS

ROUNDS = 2  # cold starts (before the fix, every one of them crashed)
THREADS = 8  # previews sent at once to each cold server
REQUESTS_PER_THREAD = 3
STAFF = "officer@police.example.org"


def lasso(lon: float, lat: float, inner: float, outer: float, spikes: int) -> dict[str, Any]:
    """A freehand area drawn with a zigzag edge: 2 * spikes points, its edge crossing many
    neighborhoods, so each preview spends tens of milliseconds inside GEOS."""
    points = []
    for i in range(2 * spikes):
        angle = math.pi * i / spikes
        radius = outer if i % 2 else inner
        points.append([lon + 1.27 * radius * math.cos(angle), lat + radius * math.sin(angle)])
    return {"type": "Polygon", "coordinates": [[*points, points[0]]]}


# Areas over Sacramento as officers draw them on the map (lon, lat).
AREAS: list[dict[str, Any]] = [
    lasso(-121.47, 38.56, 0.01, 0.12, 600),
    {"type": "Polygon", "coordinates": [[[-121.52, 38.50], [-121.44, 38.50],
                                         [-121.44, 38.60], [-121.52, 38.60],
                                         [-121.52, 38.50]]]},
    lasso(-121.45, 38.58, 0.02, 0.10, 500),
    {"type": "MultiPolygon", "coordinates": [
        [[[-121.45, 38.63], [-121.40, 38.63], [-121.40, 38.67], [-121.45, 38.63]]],
        [[[-121.42, 38.52], [-121.38, 38.52], [-121.38, 38.55], [-121.42, 38.55],
          [-121.42, 38.52]]],
    ]},
]


@functools.cache
def expected_names() -> dict[int, list[str]]:
    """What each preview must answer, from the file itself with fresh, unshared shapes."""
    document = json.loads(NEIGHBORHOODS.read_text())
    polygons = [(" ".join(item["properties"]["name"].split()), shape(item["geometry"]))
                for item in document["features"]]
    found = {}
    for which, area in enumerate(AREAS):
        drawn = shape(area)
        found[which] = sorted(name for name, polygon in polygons
                              if polygon.intersects(drawn) and not polygon.touches(drawn))
    return found


def run(var_dir: Path, *args: str) -> str:
    done = townsquare(var_dir, *args)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


@pytest.fixture(scope="module")
def sacramento(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A var dir with Sacramento, a police agency and a publisher's token (via the CLI)."""
    var_dir = tmp_path_factory.mktemp("townsquare-threads")
    run(var_dir, "migrate", "--noinput", "-v", "0")
    run(var_dir, "import_neighborhoods", str(NEIGHBORHOODS), "--city", "Sacramento")
    agency = run(var_dir, "create_agency", "--name", "Sacramento Police", "--city",
                 "sacramento", "--all-neighborhoods", "--kind", "police",
                 "--email-domain", "police.example.org").strip()
    run(var_dir, "add_agency_staff", agency, STAFF, "--role", "publisher")
    token = run(var_dir, "issue_token", STAFF).strip().splitlines()[-1]
    return var_dir, agency, token


@pytest.fixture
def cold_server(sacramento: tuple[Path, str, str]) -> Iterator[Served]:
    var_dir, _agency, _token = sacramento
    process = subprocess.Popen(
        [sys.executable, "-m", "townsquare.cli", "serve", "--port", "0"],
        env=command_env(var_dir), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    served = Served(process)
    yield served
    if process.poll() is None:  # a failed test must not leave servers behind
        process.kill()
        process.wait(timeout=DEADLINE)
    for pid in children_of(process.pid):
        os.kill(pid, signal.SIGKILL)


def call(url: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 (our server, http)
        url, data=None if body is None else json.dumps(body).encode(),
        method="GET" if body is None else "POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=DEADLINE) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError as exc:  # the server died mid-request
        return 0, repr(exc)


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_a_cold_server_survives_concurrent_area_previews(sacramento, cold_server,
                                                         round_number):
    _var_dir, agency, token = sacramento
    url = f"{cold_server.url()}api/v1/agencies/{agency}/audience"
    worker = cold_server.worker_pid
    expected = expected_names()
    assert all(len(names) >= 2 for names in expected.values())  # real, multi-polygon hits

    # Wait until it answers, and use the token once (its first use writes `last_used_at`,
    # which would stagger the burst on SQLite's write lock), without touching geometry.
    wait_for(lambda: answers(cold_server.url() + "admin/login/"), "the server to answer")
    assert call(f"{cold_server.url()}api/v1/agencies/{agency}/posts", token)[0] == 200

    start = threading.Barrier(THREADS)
    replies: dict[int, list[tuple[int, int, Any]]] = {}

    def fire(thread: int) -> None:
        start.wait(timeout=DEADLINE)
        got = []
        for n in range(REQUESTS_PER_THREAD):
            which = (thread + n) % len(AREAS)
            got.append((which, *call(url, token, {"area": AREAS[which]})))
        replies[thread] = got

    threads = [threading.Thread(target=fire, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE)

    assert cold_server.process.poll() is None, "the server died (GEOS used from two threads)"
    assert is_running(worker)
    assert sorted(replies) == list(range(THREADS))
    for got in replies.values():
        for which, status, body in got:
            assert status == 200, body
            assert body["audience_size"] == 0
            assert [n["name"] for n in body["neighborhoods"]] == expected[which]
            assert {n["verified_members"] for n in body["neighborhoods"]} == {0}

    cold_server.process.send_signal(signal.SIGTERM)
    assert cold_server.process.wait(timeout=DEADLINE) == 0
