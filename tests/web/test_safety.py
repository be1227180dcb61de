"""Hostile text is escaped everywhere; home addresses appear on one page only; the pages
need no inline script or style (the CSP forbids them)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from tests import factories
from townsquare.accounts import actions as accounts
from townsquare.accounts.models import User

HOSTILE_NAME = '<script>alert("name")</script>'
HOSTILE_TITLE = "<script>alert('title')</script>"
HOSTILE_BODY = '<img src=x onerror="alert(1)"> and <b>bold</b>'
HOSTILE_REPLY = "<script>alert('reply')</script>"


@pytest.fixture
def hostile(roles, client_as):
    """A verified resident of Alder with a hostile name, post, reply and report."""
    alder = roles["neighbor"].resident.neighborhood
    author = factories.make_resident(alder, name=HOSTILE_NAME)
    post = factories.make_post(author, title=HOSTILE_TITLE, body=HOSTILE_BODY)
    client_as(author).post(f"/posts/{post.pk}/replies/", {"body": HOSTILE_REPLY})
    client_as(roles["neighbor"]).post(f"/posts/{post.pk}/report/",
                                      {"reason": "other", "note": HOSTILE_REPLY})
    return author, post


def _pages(post_id: int) -> list[str]:
    return ["/feed/", f"/posts/{post_id}/", "/search/?q=alert", "/moderation/",
            "/n/testville/alder/", f"/posts/{post_id}/edit/", f"/posts/{post_id}/delete/"]


def test_hostile_text_is_escaped_on_every_page(roles, client_as, hostile):
    author, post = hostile
    shown = {}
    for viewer in ("lead", "operator"):
        for url in _pages(post.pk):
            response = client_as(roles[viewer]).get(url)
            if response.status_code == 404:  # edit and delete: the author's pages only
                continue
            shown[(viewer, url)] = response.content.decode()
    for url in _pages(post.pk):
        shown[("author", url)] = client_as(author).get(url).content.decode()
    assert len(shown) == 17
    for key, html in shown.items():
        assert "<script>alert" not in html, key
        assert "<img src=x" not in html, key
        assert "<b>bold</b>" not in html, key
    # ... and they really were on those pages, escaped.
    for key in [("lead", "/feed/"), ("lead", f"/posts/{post.pk}/"), ("author", "/search/?q=alert"),
                ("operator", "/moderation/")]:
        assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in shown[key], key
        assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in shown[key], key
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in shown[("lead", f"/posts/{post.pk}/")]
    assert "&lt;script&gt;alert(&#x27;reply&#x27;)&lt;/script&gt;" in shown[
        ("lead", f"/posts/{post.pk}/")]
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in shown[
        ("lead", "/n/testville/alder/")]
    assert 'value="&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;"' in shown[
        ("author", f"/posts/{post.pk}/edit/")]


def test_hostile_display_name_on_operator_pages(roles, client_as, hostile):
    author, _post = hostile
    html = client_as(roles["operator"]).get(
        f"/operator/leads/?neighborhood={author.resident.neighborhood_id}").content.decode()
    assert "<script>alert" not in html
    assert "Appoint &lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in html


def test_hostile_signup_input_is_escaped_when_shown_back(gazetteer, client):
    response = client.post("/signup/", {"email": "a@example.org", "password": "short",
                                        "display_name": HOSTILE_NAME,
                                        "address": "<script>x</script>"})
    html = response.content.decode()
    assert "<script>x" not in html and "<script>alert" not in html
    assert 'value="&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;"' in html


SECRET_ADDRESS = "4321 Quail Run"


@pytest.fixture
def home_owner(gazetteer, roles):
    resident = accounts.signup_resident(email="home@example.org", password=factories.PASSWORD,
                                        display_name="Hana Home", address=SECRET_ADDRESS)
    accounts.verify_resident(resident, method="operator")
    user = User.objects.get(pk=resident.user_id)
    factories.make_post(user, title="Hello from Quail Run", body="New here.")
    return user


def test_home_address_only_on_the_residents_own_settings_page(roles, client_as, home_owner):
    post = home_owner.resident.posts.get()
    client_as(roles["neighbor"]).post(f"/posts/{post.pk}/report/", {"reason": "spam"})
    alder = home_owner.resident.neighborhood_id
    pages = ["/", "/n/testville/alder/", "/feed/", f"/posts/{post.pk}/", "/search/?q=hello",
             "/moderation/", "/settings/", "/welcome/", "/operator/postcards/",
             f"/operator/leads/?neighborhood={alder}", "/invite/", "/verify/"]
    seen_by = {}
    for role in ("neighbor", "lead", "operator"):
        for url in pages:
            response = client_as(roles[role]).get(url)
            if response.status_code == 200:
                seen_by[(role, url)] = response.content.decode()
    for url in pages:
        response = client_as(home_owner).get(url)
        if response.status_code == 200:
            seen_by[("owner", url)] = response.content.decode()
    assert len(seen_by) == 38  # 9 + 10 + 10 + 9: each role's 200 pages
    # Their street is public to members; the full address is not, in any letter case.
    assert "QUAIL RUN" in seen_by[("neighbor", "/n/testville/alder/")]
    with_address = sorted(key for key, html in seen_by.items()
                          if SECRET_ADDRESS.upper() in html.upper())
    assert with_address == [("owner", "/settings/")]
    assert "Only you see your address." in seen_by[("owner", "/settings/")]


def test_pages_need_no_inline_script_or_style(roles, client_as, hostile):
    _author, post = hostile
    pages = ["/", "/n/testville/alder/", "/signup/", "/login/", "/feed/", "/posts/new/",
             f"/posts/{post.pk}/", "/search/?q=x", "/moderation/", "/settings/",
             "/operator/postcards/", "/operator/leads/", "/invite/", "/welcome/",
             "/no-such-page/"]
    for url in pages:
        response = client_as(roles["operator"] if "operator" in url or url == "/moderation/"
                             else roles["lead"]).get(url)
        assert response.status_code in (200, 302, 404), url
        if response.status_code == 302:
            continue
        html = response.content.decode()
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], url
        assert re.findall(r"<style\b", html) == [], url
        assert re.findall(r"<[^>]*\sstyle=", html) == [], url
        assert re.findall(r"<[^>]*\son[a-z]+=", html) == [], url
        assert '<html lang="en">' in html and "<title>" in html, url
        assert 'href="#main">Skip to main content</a>' in html, url


# --- hostile input on the pages: a 400 page or a cleaned value, never a 500 ----------------

class _Forms(HTMLParser):
    """Every form of a page: (method, action, enctype, [(name, value)])."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"method": a.get("method", "get").lower(),
                               "action": a.get("action", ""), "fields": []})
        elif not self.forms:
            return
        elif tag in ("input", "textarea") and a.get("name") and a.get("type") not in (
                "submit", "file", "button"):
            self.forms[-1]["fields"].append((a["name"], a.get("value") or "Hello"))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            self.forms[-1]["fields"].append((self._select, a.get("value", "")))
            self._select = None


def _encode(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k.encode('utf-8', 'surrogatepass'))}="
                    f"{quote(v.encode('utf-8', 'surrogatepass'))}" for k, v in pairs)


@pytest.fixture
def form_pages(roles, agency_roles, police):
    from tests.agencies.factories import publish
    from tests.web.agency_helpers import signed_in

    post = factories.make_post(roles["neighbor"], title="Lost cat", body="Grey.")
    agency_post = publish(agency_roles["publisher"], police, kind="news", title="Works",
                          body="Main Street is closed.")
    slug, post_id = police.slug, agency_post.pk
    resident = ["/", "/feed/", "/posts/new/", f"/posts/{post.pk}/", f"/posts/{post.pk}/edit/",
                "/search/?q=cat", "/settings/", "/settings/notifications/", "/invite/",
                "/inbox/", f"/agency-posts/{agency_post.pk}/"]
    return [
        (None, ["/signup/", "/login/", "/agencies/apply/", "/addresses/suggest?q=31"]),
        (roles["unverified"], ["/verify/"]),
        (roles["neighbor"], resident),
        (agency_roles["resident_in"], [f"/agency-posts/{agency_post.pk}/"]),
        (roles["lead"], ["/moderation/", f"/posts/{post.pk}/"]),
        (roles["operator"], ["/operator/postcards/", "/operator/leads/?neighborhood=1",
                             "/operator/agencies/"]),
        (agency_roles["admin"], [f"/agency/{slug}/", f"/agency/{slug}/posts/new/",
                                 f"/agency/{slug}/staff/", f"/agency/{slug}/posts/{post_id}/",
                                 f"/agency/{slug}/posts/{post_id}/edit/"]),
    ], signed_in


@pytest.mark.parametrize("bad", ["poc\x00ket", "poc\ud800ket"], ids=["nul", "surrogate"])
def test_fuzz_every_form_with_nul_and_lone_surrogates(form_pages, bad):
    pages, signed_in = form_pages
    failures, submitted = [], 0
    for user, urls in pages:
        for url in urls:
            page = signed_in(user).get(url)
            assert page.status_code == 200, (url, page.status_code)
            parser = _Forms()
            if page["Content-Type"].startswith("text/html"):
                parser.feed(page.content.decode())
            if "?" in url:  # the page's own query parameters, as a form
                path, query = url.split("?")
                parser.forms.append({"method": "get", "action": path, "fields": [
                    tuple(pair.split("=")) for pair in query.split("&")]})
            for form in parser.forms:
                action = form["action"] or url.split("?")[0]
                fields = [f for f in form["fields"] if f[0] != "csrfmiddlewaretoken"]
                for index, (name, _value) in enumerate(fields):
                    pairs = [(n, bad if i == index else v) for i, (n, v) in enumerate(fields)]
                    client = signed_in(user)
                    if form["method"] == "post":
                        response = client.post(action, _encode(pairs),
                                               content_type="application/x-www-form-urlencoded")
                    else:
                        response = client.get(f"{action}?{_encode(pairs)}")
                    submitted += 1
                    if response.status_code >= 500:
                        failures.append((url, action, name, response.status_code))
    assert failures == [], "\n".join(map(str, failures))
    assert submitted > 40


def test_nul_in_a_form_is_a_400_page(client, city):
    response = client.post("/login/", {"username": "a\x00b@example.org", "password": "x"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "NUL character" in response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_nul_in_a_query_string_is_a_400_page(client, city):
    response = client.get("/search/?q=a%00b")

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_lone_surrogate_in_a_form_is_stored_as_a_replacement(roles, client_as):
    response = client_as(roles["neighbor"]).post(
        "/posts/new/", "title=Hi&category=general&body=" + quote(
            "a\ud800b".encode("utf-8", "surrogatepass")),
        content_type="application/x-www-form-urlencoded")

    assert response.status_code == 302
    assert roles["neighbor"].resident.posts.get().body == "a\ufffd\ufffd\ufffdb"
