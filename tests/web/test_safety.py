"""Hostile text is escaped everywhere; home addresses appear on one page only; the pages
need no inline script or style (the CSP forbids them)."""

from __future__ import annotations

import re

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
