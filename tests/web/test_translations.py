"""Every user-facing string of the pages is marked for translation.

The test builds a pseudo-language at run time: the catalog that `makemessages` extracts from
the templates and the Python code, with every translation written as its English text
between ⟦ and ⟧ (placeholders and plural forms kept), compiled with msgfmt. The main pages
are then rendered in that language, and every visible text and every text attribute must sit
between ⟦ and ⟧, apart from what the test itself typed (names, posts) and what carries no
words (numbers, punctuation). A string left unmarked shows up as plain English.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.formats import date_format

from tests import factories
from tests.agencies.factories import make_agency, make_staff, publish
from tests.coverage import test_pages_matrix as coverage_pages
from tests.incidents import test_pages_matrix as incidents_pages
from tests.incidents.helpers import add_incidents
from tests.incidents.test_series import plant, scatter
from tests.questions import test_pages_matrix as questions_pages
from tests.questions.conftest import police_local  # noqa: F401 (a fixture)
from tests.questions.test_pages_matrix import objects as questions_objects  # noqa: F401
from tests.tips import test_pages_matrix as tips_pages
from tests.tips.conftest import tips_world  # noqa: F401 (a fixture)
from tests.tips.test_pages_matrix import objects as tips_objects  # noqa: F401 (a fixture)
from tests.web import agency_helpers, test_access, test_agency_pages
from tests.web.agency_helpers import signed_in
from tests.web.test_access import objects as resident_world  # noqa: F401 (a fixture)
from tests.web.test_agency_pages import objects as agency_world  # noqa: F401 (a fixture)
from townsquare.accounts.models import User
from townsquare.agencies import actions as agencies
from townsquare.agencies.models import Agency, AgencyPost, AgencyReply
from townsquare.incidents.models import Incident
from townsquare.places.models import City, Neighborhood
from townsquare.posts import actions as posts
from townsquare.posts.models import Post, Reply, Report
from townsquare.questions.models import Question
from townsquare.web.notification_forms import time_zone_choices

PSEUDO = "xx"
OPEN, CLOSE = "⟦", "⟧"
PACKAGE = Path(settings.PACKAGE_DIR)
TEXT_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "data-label")
# Text that is not ours to translate: dates (Django's own month names) and the user's input.
# <code> holds identifiers and values as stored (the audit log's records), not prose.
SKIPPED_ELEMENTS = {"script", "style", "time", "textarea", "code"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


# --- the pseudo-language -----------------------------------------------------------------

def _po_string(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)  # the quoted strings of a .po


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _marked(text: str) -> str:
    """⟦text⟧, the brackets inside any leading and trailing newlines (msgfmt checks them)."""
    core = text.strip("\n")
    start = text.index(core) if core else 0
    return text[:start] + OPEN + core + CLOSE + text[start + len(core):]


def _pseudo_catalog(po: str) -> str:
    """The extracted catalog with every message translated as ⟦its English⟧."""
    entries, current, key = [], {}, None
    for line in po.splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#"):
            current.setdefault("comments", []).append(line)
        elif line.startswith('"'):
            current[key].append(line)
        else:
            key, _space, value = line.partition(" ")
            current[key] = [value]
    out = ['msgid ""', 'msgstr ""', _quote("Content-Type: text/plain; charset=UTF-8\n"),
           _quote("Plural-Forms: nplurals=2; plural=(n != 1);\n"), ""]
    for entry in entries:
        singular = _po_string(entry.get("msgid", ['""']))
        if not singular:
            continue  # the header, written above
        flags = [c for c in entry.get("comments", []) if c.startswith("#,")]
        flags = [f.replace("fuzzy, ", "").replace(", fuzzy", "") for f in flags
                 if f.strip() != "#, fuzzy"]
        out += flags
        if "msgctxt" in entry:
            out.append("msgctxt " + _quote(_po_string(entry["msgctxt"])))
        out.append("msgid " + _quote(singular))
        if "msgid_plural" in entry:
            plural = _po_string(entry["msgid_plural"])
            out.append("msgid_plural " + _quote(plural))
            out.append("msgstr[0] " + _quote(_marked(singular)))
            out.append("msgstr[1] " + _quote(_marked(plural)))
        else:
            out.append("msgstr " + _quote(_marked(singular)))
        out.append("")
    return "\n".join(out)


@pytest.fixture(scope="module")
def pseudo_locale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("xgettext") is None or shutil.which("msgfmt") is None:
        pytest.fail("the gettext tools (xgettext, msgfmt) are needed: install gettext")
    root = tmp_path_factory.mktemp("i18n")
    # makemessages reads the tree below the working directory (and writes scratch files next
    # to the templates it reads): it works on a copy of the sources.
    sources = root / "townsquare"
    shutil.copytree(PACKAGE, sources, ignore=shutil.ignore_patterns(
        "__pycache__", "locale", "*.sqlite3", "*.css", "*.svg", "*.png"))
    locale = root / "locale"
    locale.mkdir()
    directory = locale / PSEUDO / "LC_MESSAGES"
    # django: the templates and the Python code; djangojs: the scripts (web/static/).
    for domain in ("django", "djangojs"):
        with override_settings(LOCALE_PATHS=[locale]), pytest.MonkeyPatch.context() as patch:
            patch.chdir(sources)
            call_command("makemessages", locale=[PSEUDO], domain=domain, verbosity=0,
                         no_obsolete=True)
        po = directory / f"{domain}.po"
        assert po.exists(), f"makemessages wrote no {domain} catalog"
        po.write_text(_pseudo_catalog(po.read_text(encoding="utf-8")), encoding="utf-8")
        compiled = subprocess.run(["msgfmt", "--check-format", "-o",
                                   str(directory / f"{domain}.mo"), str(po)],
                                  capture_output=True, text=True)
        assert compiled.returncode == 0, compiled.stderr
    return locale


@pytest.fixture
def pseudo(pseudo_locale: Path):
    with override_settings(LANGUAGES=[("en", "English"), (PSEUDO, "Pseudo")],
                           LOCALE_PATHS=[pseudo_locale]):
        yield


def _client(user: User | None) -> Client:
    client = signed_in(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = PSEUDO
    return client


# --- reading a page ------------------------------------------------------------------------

class _Page(HTMLParser):
    """The page's visible text in document order, and its text attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.texts: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in TEXT_ATTRIBUTES and value:
                self.attributes.append((tag, name, value))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in TEXT_ATTRIBUTES and value:
                self.attributes.append((tag, name, value))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not SKIPPED_ELEMENTS.intersection(self.stack):
            self.texts.append(data)


def _outside(text: str, depth: int = 0) -> tuple[str, int]:
    """The characters of `text` outside ⟦…⟧, and the nesting depth after it."""
    kept = []
    for char in text:
        if char == OPEN:
            depth += 1
        elif char == CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:
            kept.append(char)
    return "".join(kept), depth


def _typed_by_the_test() -> list[str]:
    """Every text the test's own data put on the pages, longest first."""
    texts = {"townsquare"}  # SITE_NAME: a name, not a phrase
    for model, fields in ((User, ("display_name", "email")), (City, ("name",)),
                          (Neighborhood, ("name",)),
                          (Agency, ("name", "email_domain", "website", "contact_name",
                                    "contact_email")),
                          (Post, ("title", "body")), (Reply, ("body",)),
                          (AgencyPost, ("title", "body", "rfi_area", "event_place")),
                          (AgencyReply, ("body",))):
        for row in model.objects.values_list(*fields):
            texts.update(value for value in row if value)
    # Time zone names are names, as in the IANA database, not phrases.
    for _area, zones in time_zone_choices("", "")[1:]:
        texts.update(label for _name, label in zones)
    return sorted(texts, key=len, reverse=True)


def _unmarked(html: str, typed: list[str]) -> list[str]:
    page = _Page()
    page.feed(html)

    def words_left(text: str) -> bool:
        for value in typed:
            text = text.replace(value, " ")
        return re.search(r"[^\W\d_]{2,}", text) is not None

    found, depth = [], 0
    for data in page.texts:
        outside, depth = _outside(data, depth)
        if words_left(outside):
            found.append(outside.strip())
    for tag, name, value in page.attributes:
        outside, _depth = _outside(value)
        if words_left(outside):
            found.append(f"<{tag} {name}={value!r}>")
    return found


# --- the pages -----------------------------------------------------------------------------

@pytest.fixture
def scene(city):
    alder = factories.nbhd(city, "Alder")
    neighbor = factories.make_resident(alder, name="Nora Neighbor")
    lead = factories.make_resident(alder, lead=True, name="Lee Lead")
    post = factories.make_post(neighbor, title="Lost cat on Quail Run",
                               body="Grey, answers to Miso.")
    posts.create_reply(lead, post, body="Seen near the park this morning.")
    posts.thank_post(lead, post)
    posts.report_content(lead, post, reason=Report.Reason.SPAM, note="Looks like an ad.")
    police = make_agency(city)
    admin = make_staff(police, "admin", "Alma Admin")
    agency_post = publish(admin, police)
    agencies.reply_to_agency_post(neighbor, agency_post, body="I saw it on Monday night.")
    return {"neighbor": neighbor, "lead": lead, "post": post, "police": police,
            "admin": admin, "agency_post": agency_post}


def _pages(scene) -> list[tuple[User | None, str]]:
    police, agency_post = scene["police"], scene["agency_post"]
    return [
        (None, reverse("web:home")),
        (None, reverse("web:login")),
        (None, reverse("web:signup")),
        (scene["neighbor"], reverse("web:feed")),
        (scene["neighbor"], reverse("web:post", args=[scene["post"].pk])),
        (scene["neighbor"], reverse("web:inbox")),
        (scene["neighbor"], reverse("web:agency_post", args=[agency_post.pk])),
        (scene["neighbor"], reverse("web:notification_settings")),
        (scene["neighbor"], reverse("web:settings")),
        (scene["neighbor"], reverse("web:search") + "?q=cat"),
        (scene["admin"], reverse("web:agency_dashboard", args=[police.slug])),
        (scene["admin"], reverse("web:agency_staff_post", args=[police.slug, agency_post.pk])),
        (scene["admin"], reverse("web:agency_compose", args=[police.slug])),
        (scene["lead"], reverse("web:moderation")),
    ]


def test_every_text_of_the_main_pages_is_marked_for_translation(pseudo, scene):
    typed = _typed_by_the_test()
    problems = {}
    for user, url in _pages(scene):
        response = _client(user).get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == PSEUDO, url
        unmarked = _unmarked(response.content.decode(), typed)
        if unmarked:
            problems[url] = unmarked
    assert problems == {}, "\n".join(f"{url}: {texts}" for url, texts in problems.items())


def test_the_check_sees_unmarked_text(pseudo, scene):
    """A positive control: the same reading finds English that is not in the catalog."""
    html = _client(None).get(reverse("web:login")).content.decode()
    assert _unmarked(html, _typed_by_the_test()) == []
    planted = html.replace("</main>", '<p>Plain English <img alt="A picture"></p></main>')
    assert _unmarked(planted, _typed_by_the_test()) == ["Plain English",
                                                        "<img alt='A picture'>"]


def test_the_site_is_english_by_default(client, db):
    """Without a language chosen, pages are English (the only language shipped)."""
    response = client.get(reverse("web:login"))
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert '<html lang="en">' in html and OPEN not in html and ">Log in</h1>" in html


# --- whole sentences ---------------------------------------------------------------------
# A sentence with a link or a time in it is one message, the markup inside it
# (`{% url … as x %}{% blocktranslate %}… <a href="{{ x }}">…</a> …{% endblocktranslate %}`,
# a time's values passed with `with`, escaped as every variable is): a translator then sees
# the whole sentence and may move the link. The reading below drops every blocktranslate
# block and looks at what is left for a sentence cut around an <a> or a <time>.

TEMPLATES = PACKAGE / "web" / "templates"
_BLOCK = re.compile(r"\{% blocktranslate\b.*?%\}.*?\{% endblocktranslate %\}", re.S)
_SPLIT = re.compile(
    r'\{% translate "[^"]*[^.?!:"]" %\}\s*<(?:a|time)\b'  # a message runs on into a link
    r"|\{% MESSAGE %\}\s*<(?:a|time)\b"  # a link after a whole message, outside it
    r'|</(?:a|time)>\s*\{% translate "[^A-Z"]'  # a message that goes on after a link
    r"|</(?:a|time)>\)?[.!?,;]"  # the sentence's end left outside its message
)


def split_sentences(template: str) -> list[str]:
    """The places where a sentence is cut around a link or a time, as written."""
    return [found[0] for found in _SPLIT.finditer(_BLOCK.sub("{% MESSAGE %}", template))]


@pytest.mark.parametrize(("template", "found"), [
    ('{% translate "New here?" %} <a href="/signup/">{% translate "Sign up" %}</a>.',
     ["</a>."]),
    ('{% translate "Be the first to" %} <a href="/new/">x</a>',
     ['{% translate "Be the first to" %} <a']),
    ('<a href="/staff/">{% translate "Invite staff" %}</a>{% translate ": publishers write" %}',
     ['</a>{% translate ":']),
    ("{% blocktranslate %}Withdrawn.{% endblocktranslate %} <time>Dec 1</time>",
     ["{% MESSAGE %} <time"]),
    ('{% url "web:signup" as u %}{% blocktranslate %}New here? <a href="{{ u }}">Sign up</a>.'
     "{% endblocktranslate %}", []),
    ('<li><a href="/n/">{{ item.name }}</a>: {% blocktranslate %}3 more{% endblocktranslate %}'
     "</li>", []),
    ('<p><a href="/">{% translate "Go to the home page" %}</a></p>', []),
])
def test_the_reading_finds_sentences_cut_around_a_link(template, found):
    assert split_sentences(template) == found


def test_no_sentence_is_cut_around_a_link_or_a_time():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 50
    read = {part for path in templates for part in path.relative_to(TEMPLATES).parts[:-1]}
    assert read >= {"tips", "questions", "incidents", "coverage"}
    cut = {str(path.relative_to(TEMPLATES)): split_sentences(path.read_text(encoding="utf-8"))
           for path in templates}
    assert {name: found for name, found in cut.items() if found} == {}


# --- the scripts ---------------------------------------------------------------------------
# Their texts go through the JavaScript catalog (/jsi18n/, domain djangojs, loaded by
# base.html before the scripts): gettext(), ngettext() and interpolate(). A static reading
# finds every string literal of every script and tells prose (shown to people) from code
# (selectors, headers, URLs); prose must be the argument of a gettext call. Then the catalog
# view, asked in the pseudo-language, must answer every text the scripts ask for.

SCRIPTS = PACKAGE / "web" / "static" / "web"
GETTEXT_CALLS = {"gettext", "ngettext", "pgettext", "npgettext"}
# A literal that reads as words: two words side by side, or one capitalized word ending a
# sentence ("Copied."), or an ellipsis.
PROSE = re.compile(r"[^\W\d_]{2,} [^\W\d_]{2,}|^[A-Z][a-z]+[.!?…]$|…")
DIRECTIVES = {"use strict"}


def _js_tokens(source: str) -> list[tuple[str, str]]:
    """(kind, text) of a script's tokens: "string" (its value), "name", "punct"; comments,
    regular expression literals and numbers are dropped."""
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char.isspace():
            i += 1
        elif source.startswith("//", i):
            i = source.find("\n", i) % (n + 1) if "\n" in source[i:] else n
        elif source.startswith("/*", i):
            i = source.index("*/", i + 2) + 2
        elif char in "\"'`":
            j, value = i + 1, []
            while source[j] != char:
                if source[j] == "\\":
                    escaped = source[j + 1]
                    value.append({"n": "\n", "t": "\t"}.get(escaped, escaped))
                    j += 2
                else:
                    value.append(source[j])
                    j += 1
            tokens.append(("string", "".join(value)))
            i = j + 1
        elif char == "/" and (not tokens or tokens[-1][1] in set("(,=:[!&|?{};")):
            j, in_class = i + 1, False  # a regular expression literal
            while in_class or source[j] != "/":
                if source[j] == "\\":
                    j += 1
                elif source[j] in "[]":
                    in_class = source[j] == "["
                j += 1
            i = j + 1
            while i < n and source[i].isalpha():
                i += 1
        elif char.isalpha() or char in "_$":
            j = i
            while j < n and (source[j].isalnum() or source[j] in "_$"):
                j += 1
            tokens.append(("name", source[i:j]))
            i = j
        elif char.isdigit():
            while i < n and (source[i].isalnum() or source[i] == "."):
                i += 1
        else:
            tokens.append(("punct", char))
            i += 1
    return tokens


def _translated(tokens: list[tuple[str, str]], index: int) -> bool:
    """Is the string at `index` a message of a gettext call (a plural's second form too)?"""
    before = [text for _kind, text in tokens[max(index - 4, 0):index]]
    if before[-2:] and before[-1] == "(" and before[-2] in GETTEXT_CALLS:
        return True
    return (len(before) == 4 and before[0] in GETTEXT_CALLS and before[1] == "("
            and tokens[index - 2][0] == "string" and before[3] == ",")


def script_texts(source: str) -> tuple[list[str], list[str]]:
    """(the messages the script asks the catalog for, its prose left in bare English)."""
    tokens = _js_tokens(source)
    asked, bare = [], []
    for index, (kind, text) in enumerate(tokens):
        if kind != "string":
            continue
        if _translated(tokens, index):
            asked.append(text)
            continue
        # A text the page hands over in a data- attribute is translated in the template;
        # the literal after it is its fallback: `button.dataset.copied || "Copied."`.
        around = [t for _k, t in tokens[max(index - 5, 0):index]]
        if len(around) == 5 and around[:2] == ["dataset", "."] and around[3:] == ["|", "|"]:
            continue
        if text not in DIRECTIVES and PROSE.search(text):
            bare.append(text)
    return asked, bare


def _scripts() -> list[Path]:
    return sorted(SCRIPTS.glob("*.js"))


@pytest.mark.parametrize(("source", "asked", "bare"), [
    ('status.textContent = "Push is on.";', [], ["Push is on."]),
    ('status.textContent = gettext("Push is on.");', ["Push is on."], []),
    ("x = 'Copied.'; y = 'copied';", [], ["Copied."]),
    ('x = interpolate(ngettext("%(n)s corner", "%(n)s corners", n), {n: n}, true);',
     ["%(n)s corner", "%(n)s corners"], []),
    ('el.querySelector("input[name=target]:checked, input[name=x]"); h = "Content-Type";',
     [], []),
    ('/* "Not this." */ // "Nor this."\nvar r = /a"b/g; s = "Wait…";', [], ["Wait…"]),
    ('s = button.dataset.failed || "Select it.";', [], []),
    ('s = "The server answered " + response.status + ".";', [],
     ["The server answered "]),
])
def test_the_reading_of_scripts_tells_prose_from_code(source, asked, bare):
    assert script_texts(source) == (asked, bare)


def test_every_text_of_the_scripts_goes_through_the_catalog():
    assert {path.name for path in _scripts()} >= {"site.js", "push.js", "agency.js"}
    bare = {path.name: script_texts(path.read_text(encoding="utf-8"))[1]
            for path in _scripts()}
    assert {name: texts for name, texts in bare.items() if texts} == {}


def _catalog(client: Client) -> tuple[dict, str]:
    response = client.get(reverse("web:jsi18n"))
    assert response.status_code == 200
    assert response["Content-Type"] == 'text/javascript; charset="utf-8"'
    body = response.content.decode()
    assert "django.gettext = function" in body, body[:500]
    found = re.search(r"const newcatalog = (\{.*?\});\n", body, re.S)  # none in English
    return (json.loads(found[1]) if found else {}), response["Content-Language"]


def test_the_catalog_answers_every_text_the_scripts_ask_for(pseudo, db):
    asked = sorted({text for path in _scripts()
                    for text in script_texts(path.read_text(encoding="utf-8"))[0]})
    assert len(asked) >= 20, asked
    catalog, language = _catalog(_client(None))
    assert language == PSEUDO
    plural = {}
    for texts in catalog.values():
        if isinstance(texts, list):  # [singular, plural] in the pseudo-language
            plural.update({text.strip(OPEN + CLOSE): text for text in texts})
    missing = [text for text in asked
               if catalog.get(text) != OPEN + text + CLOSE
               and plural.get(text) != OPEN + text + CLOSE]
    assert missing == []


def test_the_scripts_load_after_the_catalog_and_the_catalog_is_english_by_default(client, db):
    html = client.get(reverse("web:login")).content.decode()
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources[0] == reverse("web:jsi18n") == "/jsi18n/"
    assert "<script>" not in html  # the Content-Security-Policy allows no inline script
    catalog, language = _catalog(client)
    assert (catalog, language) == ({}, "en")


# --- every page of the page matrices ---------------------------------------------------------
# Each GET row of the residents' matrix (tests/web/test_access.py) and of the agency pages'
# matrix (tests/web/test_agency_pages.py) is opened in their own worlds, by the first role
# the row lets in (or, for a row that lets no one in, by the first role that gets an error
# page), and read as above. Rows that answer no HTML page (a PDF, JSON, a script, a stream)
# are skipped. The same goes for the matrices of the tips, the questions, the incidents and
# the coverage pages (tests/<domain>/test_pages_matrix.py), each in its own world.

def _html_of(client: Client, url: str) -> str | None:
    response = client.get(url)
    if response.streaming or not response["Content-Type"].startswith("text/html"):
        return None
    return response.content.decode()


def _reader_of(row, roles: list[str]) -> str | None:
    """The role the page is read as: the first let in, else the first shown an error page."""
    for wanted in ((200,), (400, 403, 404, 409)):
        for role, status in zip(roles, row.cells, strict=True):
            if status in wanted:
                return role
    return None


def _read_matrix(matrix: dict, objects: dict, roles: list[str], users: dict,
                 also_typed: tuple[str, ...] = ()) -> dict:
    typed = sorted({*_typed_by_the_test(), *(str(v) for v in objects.values()), *also_typed},
                   key=len, reverse=True)
    problems, read = {}, 0
    for page, row in matrix.items():
        role = _reader_of(row, roles)
        if row.method != "get" or role is None:
            continue
        html = _html_of(_client(users[role]), page.format(**objects))
        if html is None:
            continue
        read += 1
        unmarked = _unmarked(html, typed)
        if unmarked:
            problems[f"{page} as {role}"] = unmarked
    return {"read": read, "problems": problems}


def test_every_page_of_the_residents_matrix_is_marked_for_translation(pseudo, roles, request):
    world = request.getfixturevalue("resident_world")  # test_access.py's objects
    result = _read_matrix(test_access.MATRIX, world, test_access.ROLES, roles)
    assert result["problems"] == {}, "\n".join(f"{k}: {v}" for k, v in result["problems"].items())
    assert result["read"] >= 29  # the HTML pages among its GET rows


def test_every_agency_page_of_the_matrix_is_marked_for_translation(pseudo, agency_roles,
                                                                   request):
    world = request.getfixturevalue("agency_world")  # test_agency_pages.py's objects
    result = _read_matrix(test_agency_pages.MATRIX, world, agency_helpers.ROLES, agency_roles)
    assert result["problems"] == {}, "\n".join(f"{k}: {v}" for k, v in result["problems"].items())
    assert result["read"] >= 20  # the HTML pages among its GET rows


def _problems(result: dict) -> str:
    return "\n".join(f"{k}: {v}" for k, v in result["problems"].items())


def test_every_page_of_the_tips_matrix_is_marked_for_translation(pseudo, agency_roles,
                                                                 request):
    world = request.getfixturevalue("tips_objects")  # tests/tips/test_pages_matrix.py's
    # The tip's text, tag and case number, typed by that world (stored encrypted).
    typed = ("Tagging behind the school", "A leak on Elm", "graffiti", "24-118")
    result = _read_matrix(tips_pages.MATRIX, world, agency_helpers.ROLES, agency_roles, typed)
    assert result["problems"] == {}, _problems(result)
    assert result["read"] == 10  # with the error pages (404) among them


def test_every_page_of_the_questions_matrix_is_marked_for_translation(pseudo, agency_roles,
                                                                      request):
    world = request.getfixturevalue("questions_objects")  # its test_pages_matrix.py's
    typed = tuple(text for row in Question.objects.values_list("title", "body", "answer")
                  for text in row if text)
    result = _read_matrix(questions_pages.MATRIX, world, agency_helpers.ROLES, agency_roles,
                          typed)
    assert result["problems"] == {}, _problems(result)
    assert result["read"] == 6


def test_every_page_of_the_incidents_matrices_is_marked_for_translation(pseudo, city,
                                                                        agency_roles):
    scatter(city, 40)  # the worlds of tests/incidents/test_pages_matrix.py
    plant(city)
    for day in (1, 9, 17, 25, 31):
        add_incidents(factories.nbhd(city, "Alder"), date(2006, 1, day), "vandalism", 2)
    # The incidents' dates, as the pages write them (Django's month names, not ours).
    days = {start + timedelta(days=n) for start in (date(2006, 1, 1), date(2026, 3, 1))
            for n in range(92)}
    dates = {date_format(day, fmt) for day in days
             for fmt in ("M j", "M j, Y", "F j, Y", "DATE_FORMAT")}
    typed = tuple({text for row in Incident.objects.values_list("description", "block")
                   for text in row if text} | dates)
    matrix = {**incidents_pages.SERIES_MATRIX, **incidents_pages.CRIME_MATRIX}
    result = _read_matrix(matrix, {}, agency_helpers.ROLES, agency_roles, typed)
    assert result["problems"] == {}, _problems(result)
    assert result["read"] == 8


def test_every_page_of_the_coverage_matrix_is_marked_for_translation(pseudo, agency_roles):
    result = _read_matrix(coverage_pages.MATRIX, {}, agency_helpers.ROLES, agency_roles)
    assert result["problems"] == {}, _problems(result)
    assert result["read"] == 7
