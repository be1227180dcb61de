"""THE ANONYMITY TEST: an anonymous tip leaves nothing that links it to its sender.

Anonymous tips are sent through the API with a distinctive user agent and client address
(passed through a trusted proxy, as in production behind one), by nobody and by a
signed-in resident who chooses anonymous (with a token, and with a browser session). Then
the whole database (every table, every column: raw SQL over all tables, and `dumpdata`)
and every log line written meanwhile (a handler on the root logger at DEBUG, SQL included)
are searched. They must contain neither the address nor the user agent anywhere; and the
rows the submissions added or changed must not hold the resident's account (its id in any
column pointing at an account or a resident, its email, its name), the session key, the
token, nor a time finer than the hour.

Positive controls run the same searches where the values ARE present (a private tip, a
log line naming the address, a staff view audited to the second, a user agent stored on
purpose), so the test cannot pass by looking at nothing. A last test runs a real `townsquare
serve` and reads its own output (uvicorn's access log and Django's request log).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client

from townsquare.accounts import actions as accounts
from townsquare.accounts.models import Resident, User
from townsquare.core import audit
from townsquare.tips import selectors
from townsquare.tips.models import Tip

ADDRESS = "203.0.113.77"
PROXY = "127.0.0.1"  # the test client's REMOTE_ADDR: the trusted proxy
USER_AGENT = "QuokkaBrowser/7.31 (tipster-probe; rv:4242)"
API = "/api/v1"


# --- capturing and searching ------------------------------------------------------------------
class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name} {text}")


@pytest.fixture
def logs(settings) -> Iterator[Capture]:
    """Every log line, at DEBUG, SQL statements included (django.db.backends logs them
    while the connection's debug cursor is forced)."""
    capture = Capture()
    root = logging.getLogger()
    db_logger = logging.getLogger("django.db.backends")
    old_root, old_db = root.level, db_logger.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    db_logger.setLevel(logging.DEBUG)
    forced = connection.force_debug_cursor
    connection.force_debug_cursor = True
    yield capture
    connection.force_debug_cursor = forced
    root.removeHandler(capture)
    root.setLevel(old_root)
    db_logger.setLevel(old_db)


def table_rows() -> Counter[tuple[str, tuple[str, ...]]]:
    """Every row of every table, as text: (table, (column=value, ...))."""
    rows: Counter[tuple[str, tuple[str, ...]]] = Counter()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            names = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                cells = tuple(f"{n}={_text(v)}" for n, v in zip(names, row, strict=True))
                rows[(table, cells)] += 1
    return rows


def _text(value: Any) -> str:
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("latin-1")
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def dump_all() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out, verbosity=0)
    return out.getvalue()


def account_columns() -> set[tuple[str, str]]:
    """(table, column) of every column that points at an account or a resident."""
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model in (User, Resident):
                found.add((model._meta.db_table, f.column))
    return found


_DATETIME = re.compile(r"\d{4}-\d\d-\d\d[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?")
_NUMBER = re.compile(r"(?<![\d.])\d{10,13}(?:\.\d+)?(?![\d])")


@dataclass
class Secrets:
    """What must not be found, and the window of the submissions (epoch seconds)."""

    texts: dict[str, str]  # label -> text that must appear nowhere in the added rows
    everywhere: dict[str, str]  # label -> text that must appear nowhere at all
    account_ids: set[int] = field(default_factory=set)
    started: float = 0.0
    ended: float = 0.0


def fine_times(value: str, started: float, ended: float) -> list[str]:
    """Times finer than the hour that fall in the submissions' window: datetimes with a
    minute, second or fraction, and epoch seconds or milliseconds."""
    found = []
    for match in _DATETIME.finditer(value):
        try:
            when = dt.datetime.fromisoformat(match.group(0).replace(" ", "T"))
        except ValueError:
            continue
        stamp = when.replace(tzinfo=when.tzinfo or dt.UTC).timestamp()
        fine = when.minute or when.second or when.microsecond
        if fine and started - 3600 <= stamp <= ended + 3600:
            found.append(match.group(0))
    for match in _NUMBER.finditer(value):
        number = float(match.group(0))
        for stamp in (number, number / 1000):
            if started - 2 <= stamp <= ended + 2:
                found.append(match.group(0))
    return found


def findings(before: Counter, after: Counter, dump: str, lines: list[str],
             secrets: Secrets) -> list[str]:
    found = []
    added = after - before
    columns = account_columns()
    for label, text in secrets.everywhere.items():
        for (table, row) in after:
            if any(text in cell for cell in row):
                found.append(f"{label} in table {table}")
        if text in dump:
            found.append(f"{label} in dumpdata")
        found += [f"{label} in log: {line[:120]}" for line in lines if text in line]
    for (table, row) in added:
        for cell in row:
            column, _eq, value = cell.partition("=")
            for label, text in secrets.texts.items():
                if text and text in value:
                    found.append(f"{label} in added row of {table}.{column}")
            if (table, column) in columns and value.isdigit() and \
                    int(value) in secrets.account_ids:
                found.append(f"account id in added row of {table}.{column}")
            found += [f"time {t} in added row of {table}.{column}"
                      for t in fine_times(value, secrets.started, secrets.ended)]
    for line in lines:
        for label, text in secrets.texts.items():
            if text and text in line:
                found.append(f"{label} in log: {line[:120]}")
    return found


# --- the scenario ---------------------------------------------------------------------------
def headers(**extra: str) -> dict[str, Any]:
    return {"HTTP_USER_AGENT": USER_AGENT, "HTTP_X_FORWARDED_FOR": ADDRESS,
            "REMOTE_ADDR": PROXY, **extra}


@pytest.fixture
def world(agency_roles, police, settings):
    settings.TOWNSQUARE_TRUSTED_PROXIES = [PROXY]
    resident = agency_roles["resident_in"]
    token = accounts.issue_token(resident)
    session = Client()
    session.force_login(resident)
    session_key = session.session.session_key
    return {"resident": resident, "token": token, "session": session,
            "session_key": session_key, "police": police, "users": agency_roles}


def secrets_for(world: dict[str, Any], started: float, ended: float) -> Secrets:
    resident: User = world["resident"]
    return Secrets(
        texts={"the account's email": resident.email, "the account's name": resident.display_name,
               "the session key": world["session_key"], "the token": world["token"]},
        everywhere={"the client address": ADDRESS, "the user agent": USER_AGENT},
        account_ids={resident.pk, Resident.objects.get(user=resident).pk},
        started=started, ended=ended)


def send_anonymous_tips(world: dict[str, Any]) -> list[str]:
    """Three anonymous tips (nobody; the resident by token; the resident by session), a
    message back through each code, a guessed code, a retried submission."""
    tips_url = f"{API}/agencies/{world['police'].slug}/tips"
    body = {"body": "The grey van again, behind the school", "lat": 38.59571, "lon": -121.49613}
    codes = []
    nobody = Client().post(tips_url, body, content_type="application/json",
                           **headers(HTTP_IDEMPOTENCY_KEY="retry-1"))
    again = Client().post(tips_url, body, content_type="application/json",
                          **headers(HTTP_IDEMPOTENCY_KEY="retry-1"))
    assert nobody.status_code == again.status_code == 201
    assert again.json() == nobody.json()
    codes.append(nobody.json()["code"])
    by_token = Client().post(tips_url, {**body, "anonymous": True},
                             content_type="application/json",
                             **headers(HTTP_AUTHORIZATION=f"Bearer {world['token']}"))
    assert by_token.status_code == 201, by_token.content
    codes.append(by_token.json()["code"])
    by_session = world["session"].post(tips_url, {**body, "anonymous": True},
                                       content_type="application/json", **headers())
    assert by_session.status_code == 201, by_session.content
    codes.append(by_session.json()["code"])
    for code in codes:
        reply = Client().post(f"{API}/tips/{code}/messages", {"body": "One more thing"},
                              content_type="application/json", **headers())
        assert reply.status_code == 201
        assert Client().get(f"{API}/tips/{code}", **headers()).status_code == 200
    guessed = Client().get(f"{API}/tips/AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA", **headers())
    assert guessed.status_code == 404
    return codes


@pytest.mark.django_db(transaction=True)
def test_anonymous_tips_leave_no_trace_of_their_sender(world, logs):
    before = table_rows()
    started = time.time()
    codes = send_anonymous_tips(world)
    ended = time.time()
    after = table_rows()
    dump = dump_all()

    assert Tip.objects.filter(anonymous=True, sender=None).count() == 3
    assert all(t.created_hour.minute == 0 for t in Tip.objects.all())
    secrets = secrets_for(world, started, ended)
    secrets.texts |= {f"code {n}": code for n, code in enumerate(codes)}
    secrets.texts |= {f"code {n} (plain)": code.replace("-", "") for n, code in enumerate(codes)}
    assert findings(before, after, dump, logs.lines, secrets) == []
    # The capture logged SQL (the test's own reads of every table), but none of the tip
    # requests' statements, and it saw the 404 of the guessed code, redacted.
    assert any(line.startswith("django.db.backends") and '"tips_tip"' in line
               for line in logs.lines)
    assert not any("INSERT INTO" in line and '"tips_tip"' in line for line in logs.lines)
    assert any("django.request Not Found: /api/v1/tips/[redacted]" in line
               for line in logs.lines)


@pytest.mark.django_db(transaction=True)
def test_the_address_reached_the_limits_through_the_proxy(world, settings):
    """The address the limits count is the forwarded one, not the proxy's: so the test
    above looked for the address that was really used."""
    settings.TOWNSQUARE_RATE_LIMITS = {**settings.TOWNSQUARE_RATE_LIMITS,
                                       "tip_submit": "2/3600"}
    url = f"{API}/agencies/{world['police'].slug}/tips"
    statuses = [Client().post(url, {"body": "x"}, content_type="application/json",
                              **headers()).status_code for _n in range(3)]
    other = Client().post(url, {"body": "x"}, content_type="application/json",
                          **headers(HTTP_X_FORWARDED_FOR="198.51.100.1")).status_code
    assert statuses + [other] == [201, 201, 429, 201]


@pytest.mark.django_db(transaction=True)
def test_the_searches_find_what_is_there(world, logs):
    """Positive controls: each kind of finding, planted on purpose, is found."""
    before = table_rows()
    started = time.time()
    url = f"{API}/agencies/{world['police'].slug}/tips"
    private = Client().post(url, {"body": "Private, with my name"},
                            content_type="application/json",
                            **headers(HTTP_AUTHORIZATION=f"Bearer {world['token']}"))
    assert private.status_code == 201
    tip = Tip.objects.get()
    selectors.tip_for_staff(world["users"]["tips"], world["police"], tip.pk)  # audited now
    audit.record(None, "probe", None, user_agent=USER_AGENT)
    logging.getLogger("townsquare.probe").warning("client %s", ADDRESS)
    Client().get(f"{API}/tips/AAAA", **headers())
    ended = time.time()
    after = table_rows()
    dump = dump_all()
    secrets = secrets_for(world, started, ended)
    secrets.texts["a code in a path"] = "/tips/AAAA"
    found = findings(before, after, dump, logs.lines, secrets)
    assert "account id in added row of tips_tip.sender_id" in found
    assert "the user agent in table core_auditlog" in found
    assert "the user agent in dumpdata" in found
    assert any(f.startswith("the client address in log: townsquare.probe client") for f in found)
    assert any(f.startswith("time ") and "core_auditlog.created_at" in f for f in found)
    # Redacted on the way out: the path of the unknown code is not in any line.
    assert not any(f.startswith("a code in a path") for f in found)
    # And the token, when it is used elsewhere, is marked used at the minute: it is the
    # tips endpoint that leaves it alone.
    assert Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {world['token']}").status_code \
        == 200
    assert any(f.startswith("time ") and "accounts_apitoken.last_used_at" in f
               for f in findings(before, table_rows(), "", [], secrets))


# --- a real server's own output -------------------------------------------------------------
@pytest.fixture(scope="module")
def var_dir_with_agency(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, str]:
    """A var dir with Sacramento's neighborhoods and a police agency (via the CLI)."""
    from tests.places.shapes import NEIGHBORHOODS
    from tests.places.test_threads import run

    var_dir = tmp_path_factory.mktemp("townsquare-tips")
    run(var_dir, "migrate", "--noinput", "-v", "0")
    run(var_dir, "import_neighborhoods", str(NEIGHBORHOODS), "--city", "Sacramento")
    agency = run(var_dir, "create_agency", "--name", "Sacramento Police", "--city",
                 "sacramento", "--all-neighborhoods", "--kind", "police",
                 "--email-domain", "police.example.org").strip()
    return var_dir, agency


@pytest.fixture
def tip_server(var_dir_with_agency: tuple[Any, str]) -> Iterator[tuple[Any, str]]:
    from tests.cli.conftest import command_env
    from tests.cli.test_serve import DEADLINE, Served, children_of

    var_dir, agency = var_dir_with_agency
    env = command_env(var_dir) | {"TOWNSQUARE_TRUSTED_PROXIES": PROXY}
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "townsquare.cli", "serve", "--port", "0"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    served = Served(process)
    yield served, agency
    if process.poll() is None:
        process.kill()
        process.wait(timeout=DEADLINE)
    for pid in children_of(process.pid):
        os.kill(pid, signal.SIGKILL)


def _http(url: str, body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 (our server, http)
        url, data=body, method="POST" if body is not None else "GET",
        headers={"User-Agent": USER_AGENT, "X-Forwarded-For": ADDRESS,
                 "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_real_server_logs_neither_the_address_nor_the_code(tip_server):
    import json

    from tests.cli.test_serve import DEADLINE, answers, wait_for

    served, agency = tip_server
    base = served.url()
    wait_for(lambda: answers(base + "admin/login/"), "the server to answer")
    status, body = _http(f"{base}api/v1/agencies/{agency}/tips",
                         json.dumps({"body": "Tagging on the bridge"}).encode())
    assert status == 201, body
    code = json.loads(body)["code"]
    assert _http(f"{base}api/v1/tips/{code}")[0] == 200
    assert _http(f"{base}api/v1/tips/{code}/messages",
                 json.dumps({"body": "It was red paint"}).encode())[0] == 201
    assert _http(f"{base}api/v1/tips/{code.replace('-', '')[:-1]}Q")[0] == 404
    assert _http(f"{base}api/v1/openapi.json")[0] == 200  # control: not a tip path
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=DEADLINE) == 0
    served.output += served.process.stdout.read() or b""
    output = served.output.decode("utf-8", "replace")
    assert ADDRESS not in output
    assert USER_AGENT not in output
    assert code not in output and code.replace("-", "") not in output
    assert code.replace("-", "")[:20] not in output
    # The access log is on, and redacts tip paths (controls: the lines are there).
    assert '- "POST /api/v1/agencies/' in output  # an agency's tips path: no address
    assert '"GET /api/v1/tips/[redacted] HTTP/1.1" 200' in output
    assert "Not Found: /api/v1/tips/[redacted]" in output
    assert re.search(r'127\.0\.0\.1:\d+ - "GET /api/v1/openapi\.json HTTP/1\.1" 200', output)
    assert not re.search(r'127\.0\.0\.1:\d+ - "[A-Z]+ /api/v1/[^"]*tips', output)
