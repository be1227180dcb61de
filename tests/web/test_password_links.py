"""The two pages behind a one-time password link (a forgotten password; a new staff member's
first password) are one page with other words: one view class, one template."""

from __future__ import annotations

import pytest
from django.test import Client

from townsquare.web.views.agencies_auth import SetPasswordView
from townsquare.web.views.password_links import PasswordLinkView
from townsquare.web.views.password_reset import NewPasswordView

pytestmark = pytest.mark.django_db


def test_both_link_pages_are_the_one_page():
    assert issubclass(NewPasswordView, PasswordLinkView)
    assert issubclass(SetPasswordView, PasswordLinkView)


@pytest.mark.parametrize(("url", "template", "expired"), [
    ("/accounts/password-reset/MQ/made-up/", "web/accounts/password_reset_confirm.html",
     'A password reset link works once, and only for a while. '
     '<a href="/accounts/password-reset/">Ask for a new link</a>.'),
    ("/accounts/set-password/MQ/made-up/", "web/agencies/set_password.html",
     "A password link works once, and for a few days. Ask your agency's admin to invite "
     'you again, or, if you already set your password, <a href="/login/">log in</a>.'),
])
def test_a_dead_link_answers_404_with_its_own_way_out(url, template, expired):
    response = Client().get(url)

    assert response.status_code == 404
    assert [t.name for t in response.templates][:3] == [
        template, "web/accounts/password_link.html", "web/base.html"]
    html = response.content.decode()
    assert "<title>This link no longer works · townsquare</title>" in html
    assert "<h1>This link no longer works</h1>" in html
    assert f"<p>{expired}</p>" in html
