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
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories
from tests.agencies.factories import make_agency, make_staff, publish
from tests.web.agency_helpers import signed_in
from townsquare.accounts.models import User
from townsquare.agencies import actions as agencies
from townsquare.agencies.models import Agency, AgencyPost, AgencyReply
from townsquare.places.models import City, Neighborhood
from townsquare.posts import actions as posts
from townsquare.posts.models import Post, Reply, Report

PSEUDO = "xx"
OPEN, CLOSE = "⟦", "⟧"
PACKAGE = Path(settings.PACKAGE_DIR)
TEXT_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "data-label")
# Text that is not ours to translate: dates (Django's own month names) and the user's input.
SKIPPED_ELEMENTS = {"script", "style", "time", "textarea"}
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
        "__pycache__", "static", "locale", "*.sqlite3"))
    locale = root / "locale"
    locale.mkdir()
    directory = locale / PSEUDO / "LC_MESSAGES"
    with override_settings(LOCALE_PATHS=[locale]), pytest.MonkeyPatch.context() as patch:
        patch.chdir(sources)
        call_command("makemessages", locale=[PSEUDO], domain="django", verbosity=0,
                     no_obsolete=True)
    po = directory / "django.po"
    assert po.exists(), "makemessages wrote no catalog"
    po.write_text(_pseudo_catalog(po.read_text(encoding="utf-8")), encoding="utf-8")
    compiled = subprocess.run(["msgfmt", "--check-format", "-o", str(directory / "django.mo"),
                               str(po)], capture_output=True, text=True)
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
                          (Neighborhood, ("name",)), (Agency, ("name", "email_domain")),
                          (Post, ("title", "body")), (Reply, ("body",)),
                          (AgencyPost, ("title", "body", "rfi_area", "event_place")),
                          (AgencyReply, ("body",))):
        for row in model.objects.values_list(*fields):
            texts.update(value for value in row if value)
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
