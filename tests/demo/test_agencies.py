"""The demo's public agencies on the real data: created through the agencies actions, staff
with every role and a confirmed authenticator, posts that reach Pocket, replies from the
targeted neighborhoods, and a second load that changes nothing.

The demo is loaded once for the class (setUpTestData, rolled back after): loading takes
seconds, and every test but the sign-in only reads it.
"""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import django_otp
from django.conf import settings
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from townsquare.accounts.models import Resident, User
from townsquare.agencies import selectors as agency_selectors
from townsquare.agencies.models import (
    Agency,
    AgencyPost,
    AgencyPostTarget,
    AgencyReply,
    AgencyStaff,
    AgencyThank,
    InboxRead,
)
from townsquare.core.models import AuditLog
from townsquare.demo import agencies, loader
from townsquare.feeds import selectors as feeds
from townsquare.feeds.models import FeedItem
from townsquare.places.models import Neighborhood

DATA = Path(settings.BASE_DIR) / "data" / "sacramento"
DEMO = "@demo.townsquare.invalid"
POLICE = "sacramento-police-department"
UTILITIES = "sacramento-department-of-utilities"
SOUTH_AREA = ["freeport-manor", "greenhaven", "land-park", "little-pocket", "meadowview",
              "pocket", "south-land-park", "zberg-park"]
KIND = AgencyPost.Kind


class SacramentoAgenciesTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.now = timezone.now()
        cls.summary = loader.load(DATA, now=cls.now)
        cls.police = Agency.objects.get(slug=POLICE)
        cls.utilities = Agency.objects.get(slug=UTILITIES)
        cls.pocket = Neighborhood.objects.get(slug="pocket")

    def user(self, local: str) -> User:
        return User.objects.get(email=f"{local}{DEMO}")

    def post(self, agency: Agency, kind: str) -> AgencyPost:
        return AgencyPost.objects.get(agency=agency, kind=kind)

    def targets(self, post: AgencyPost) -> list[str]:
        return sorted(AgencyPostTarget.objects.filter(post=post)
                      .values_list("neighborhood__slug", flat=True))

    # --- agencies and staff ---------------------------------------------------------------
    def test_the_police_for_the_whole_city_and_a_department_for_the_south_area(self):
        police, utilities = self.police, self.utilities

        assert (police.name, police.kind, police.status) == (
            "Sacramento Police Department", "police", "approved")
        assert (utilities.name, utilities.kind, utilities.status) == (
            "Sacramento Department of Utilities", "city", "approved")
        assert police.verified_at is not None and utilities.verified_at is not None
        assert (police.all_neighborhoods, utilities.all_neighborhoods) == (True, False)
        assert len(agency_selectors.jurisdiction_neighborhoods(police)) == 121
        assert agency_selectors.jurisdiction_slugs(utilities) == SOUTH_AREA
        assert {police.email_domain, utilities.email_domain} == {"demo.townsquare.invalid"}
        # Made by the create action, as the demo operator.
        created = AuditLog.objects.filter(action="agencies.create").order_by("agency_id")
        assert [(e.agency_id, e.actor_label) for e in created] == sorted(
            [(police.pk, f"operator{DEMO}"), (utilities.pk, f"operator{DEMO}")])

    def test_staff_with_every_role_on_demo_accounts(self):
        staff = AgencyStaff.objects.filter(active=True).select_related("agency", "user")

        assert sorted((s.user.email, s.agency.slug, s.role) for s in staff) == [
            (f"chief{DEMO}", POLICE, "admin"),
            (f"officer{DEMO}", POLICE, "publisher"),
            (f"tips{DEMO}", POLICE, "tips"),
            (f"utilities{DEMO}", UTILITIES, "admin"),
        ]
        for member in staff:
            user = member.user
            assert (user.is_demo, user.is_staff, user.is_active) == (True, False, True)
            assert user.check_password("townsquare-demo")
            assert not Resident.objects.filter(user=user).exists()
        added = AuditLog.objects.filter(action="agencies.staff_added")
        assert sorted(added.values_list("data__email", "actor_label")) == sorted(
            (s.user.email, f"operator{DEMO}") for s in staff)
        assert [s.account.email for s in agencies.STAFF] == sorted(
            s.user.email for s in staff)  # what load_demo and the README list

    def test_every_staff_account_has_one_confirmed_authenticator(self):
        staff_users = User.objects.filter(agency_memberships__active=True)
        devices = TOTPDevice.objects.filter(user__in=staff_users)

        assert sorted(devices.values_list("user__email", "confirmed")) == sorted(
            (u.email, True) for u in staff_users)
        assert TOTPDevice.objects.count() == 4  # nobody else has one
        enrolled = AuditLog.objects.filter(action="accounts.second_factor_enrolled")
        assert sorted(enrolled.values_list("actor_label", flat=True)) == sorted(
            u.email for u in staff_users)

    # --- posts ----------------------------------------------------------------------------
    def test_four_published_posts_in_the_recent_past(self):
        posts = AgencyPost.objects.select_related("agency", "author")

        assert sorted((p.agency.slug, p.kind) for p in posts) == [
            (UTILITIES, KIND.ADVISORY),
            (POLICE, KIND.ADVISORY), (POLICE, KIND.EVENT),
            (POLICE, KIND.REQUEST_FOR_INFORMATION)]
        for post in posts:
            assert post.current_status(self.now) == AgencyPost.Status.PUBLISHED
            assert post.is_live(self.now) and not post.practice
            assert self.now - dt.timedelta(days=21) < post.publish_at < self.now
            assert post.created_at == post.publish_at
            assert post.author.agency_memberships.get().role in {"admin", "publisher"}
            assert post.audience_size == sum(
                AgencyPostTarget.objects.filter(post=post).values_list("audience", flat=True))
            # Delivered as the publish action does: one feed row per target, at its time.
            rows = FeedItem.objects.filter(agency_post=post)
            assert sorted(rows.values_list("neighborhood__slug", flat=True)) == \
                self.targets(post)
            assert set(rows.values_list("created_at", flat=True)) == {post.publish_at}
        published = AuditLog.objects.filter(action="agencies.post_published")
        assert sorted(published.values_list("target_id", flat=True)) == sorted(
            str(p.pk) for p in posts)

    def test_the_graffiti_request_comes_from_the_real_incidents(self):
        rfi = self.post(self.police, KIND.REQUEST_FOR_INFORMATION)

        assert rfi.title == "Graffiti in Pocket and Meadowview: did you see anything?"
        assert self.targets(rfi) == ["greenhaven", "meadowview", "pocket", "south-land-park"]
        assert re.fullmatch(r"\d{2}-\d{6}", rfi.case_number)
        assert f"mention case {rfi.case_number}." in rfi.body
        # January 2006: 68th Ave on the 11th and 20th, Nautilus Ct on the 12th and 16th,
        # Corporate Way on the 19th (tests/demo/test_incidents.py reads the same rows).
        assert ("we took 5 reports of graffiti on the 2200 block of 68th Ave in Meadowview "
                "(twice), on the first block of Nautilus Ct in Pocket (twice) and on the "
                "1100 block of Corporate Way in Pocket.") in rfi.body
        assert rfi.rfi_area == ("Pocket: first block of Nautilus Ct, 1100 block of Corporate "
                                "Way; Meadowview: 2200 block of 68th Ave")
        assert rfi.rfi_from is not None and rfi.rfi_until is not None
        # From the evening before the first report (8:21 am) to the last one (2:00 pm).
        start, end = (timezone.localtime(t).replace(tzinfo=None)
                      for t in (rfi.rfi_from, rfi.rfi_until))
        assert (start.time(), end.time()) == (dt.time(20, 21), dt.time(14, 0))
        assert (end.date() - start.date()).days == 10
        assert rfi.rfi_until < rfi.publish_at

    def test_the_advisory_the_event_and_the_department_notice(self):
        advisory = self.post(self.police, KIND.ADVISORY)
        event = self.post(self.police, KIND.EVENT)
        notice = self.post(self.utilities, KIND.ADVISORY)

        assert advisory.target_all and len(self.targets(advisory)) == 121
        assert advisory.audience_size == Resident.objects.filter(
            verified_at__isnull=False).count()
        assert "the most in Midtown / Winn Park / Capital Avenue, Downtown and Point West" in \
            advisory.body
        assert self.targets(event) == ["greenhaven", "little-pocket", "pocket"]
        assert event.event_starts_at is not None and event.event_starts_at > self.now
        assert event.event_place == "Robbie Waters Pocket-Greenhaven Library, 7335 Gloria Dr"
        assert notice.target_all and self.targets(notice) == SOUTH_AREA

    # --- what residents see and do ----------------------------------------------------------
    def test_the_posts_are_unread_in_the_inbox_of_resident_at_demo(self):
        resident = self.user("resident")
        page = agency_selectors.inbox(resident)
        everything = list(AgencyPost.objects.order_by("-publish_at"))

        assert [item.post for item in page.items] == everything
        assert [item.read for item in page.items] == [False] * 4
        assert page.next is None
        assert agency_selectors.unread_count(resident) == 4
        assert agency_selectors.inbox(self.user("newcomer")).items == []  # not verified

    def test_a_resident_outside_the_targets_sees_only_the_city_wide_advisory(self):
        downtown = (Resident.objects.filter(neighborhood__slug="downtown",
                                            verified_at__isnull=False)
                    .select_related("user").order_by("pk").first())

        assert downtown is not None
        assert [i.post for i in agency_selectors.inbox(downtown.user).items] == [
            self.post(self.police, KIND.ADVISORY)]

    def test_the_posts_are_in_the_feed_of_resident_at_demo(self):
        resident = self.user("resident")
        found: list[AgencyPost] = []
        cursor = None
        for _page in range(40):  # about a month of Pocket and its neighbors, 25 a page
            page = feeds.feed(resident, cursor=cursor)
            found += [item for item in page.items if isinstance(item, AgencyPost)]
            cursor = page.next
            if cursor is None:
                break

        assert found == list(AgencyPost.objects.order_by("-publish_at"))

    def test_targeted_residents_replied_and_thanked_through_the_actions(self):
        posts = {p.pk: p for p in AgencyPost.objects.all()}
        replies = list(AgencyReply.objects.select_related("author", "post"))
        thanks = list(AgencyThank.objects.select_related("resident", "post"))

        assert len(replies) == self.summary.public.replies == 7
        assert len(thanks) == self.summary.public.thanks > 20
        for post in posts.values():
            assert post.reply_count == sum(r.post_id == post.pk for r in replies)
            assert post.thank_count == sum(t.post_id == post.pk for t in thanks) > 0
        targets = set(AgencyPostTarget.objects.values_list("post_id", "neighborhood_id"))
        for row in [*replies, *thanks]:
            author = row.author if isinstance(row, AgencyReply) else row.resident
            assert (row.post_id, author.neighborhood_id) in targets
            assert row.neighborhood_id == author.neighborhood_id
            assert author.verified_at is not None
            assert author.verified_at < row.post.publish_at < row.created_at < self.now
        # Whoever replied or thanked opened the post; resident@demo did nothing yet.
        engaged = {(r.post_id, r.author.user_id) for r in replies} | {
            (t.post_id, t.resident.user_id) for t in thanks}
        assert set(InboxRead.objects.values_list("agency_post_id", "user_id")) == engaged
        resident = self.user("resident")
        assert not InboxRead.objects.filter(user=resident).exists()

    def test_neighbors_replies_are_seen_in_pocket_only(self):
        rfi = self.post(self.police, KIND.REQUEST_FOR_INFORMATION)
        event = self.post(self.police, KIND.EVENT)
        resident, tips = self.user("resident"), self.user("tips")

        seen = agency_selectors.replies(resident, rfi)

        assert [(r.author.user.email, r.neighborhood.slug) for r in seen] == [
            (f"neighbor{DEMO}", "pocket")]
        assert sorted(r.neighborhood.slug for r in agency_selectors.replies(tips, rfi)) == [
            "meadowview", "pocket"]
        assert [r.author.user.email for r in agency_selectors.replies(resident, event)] == [
            f"lead{DEMO}"]

    # --- signing in as staff ----------------------------------------------------------------
    def test_demo_code_prints_a_code_the_device_accepts(self):
        officer = self.user("officer")
        device = TOTPDevice.objects.get(user=officer)
        out = StringIO()

        call_command("demo_code", f"officer{DEMO}", stdout=out)

        code = out.getvalue().strip()
        assert re.fullmatch(r"\d{6}", code)
        assert django_otp.verify_token(officer, device.persistent_id, code) == device

    def test_a_newcomer_signs_in_as_the_officer_with_demo_code(self):
        client = Client()
        signed_in = client.post("/login/", {"username": f"officer{DEMO}",
                                            "password": "townsquare-demo"})
        asked = client.get(f"/agency/{POLICE}/")
        out = StringIO()
        call_command("demo_code", f"officer{DEMO}", stdout=out)

        typed = client.post("/accounts/two-factor/", {"code": out.getvalue().strip(),
                                                      "next": f"/agency/{POLICE}/"})

        assert signed_in.status_code == 302
        assert asked["Location"] == f"/accounts/two-factor/?next=%2Fagency%2F{POLICE}%2F"
        assert (typed.status_code, typed["Location"]) == (302, f"/agency/{POLICE}/")
        page = client.get(f"/agency/{POLICE}/")
        assert page.status_code == 200
        assert "Graffiti in Pocket and Meadowview" in page.content.decode()

    # --- idempotent -------------------------------------------------------------------------
    def test_loading_again_changes_nothing(self):
        def state() -> list[object]:
            return [
                list(Agency.objects.order_by("pk").values_list("pk", "verified_at")),
                list(AgencyStaff.objects.order_by("pk").values_list("pk", "role", "active")),
                list(TOTPDevice.objects.order_by("pk").values_list("pk", "key", "last_t")),
                list(AgencyPost.objects.order_by("pk").values_list(
                    "pk", "publish_at", "reply_count", "thank_count")),
                User.objects.count(), AgencyReply.objects.count(), AgencyThank.objects.count(),
                InboxRead.objects.count(), FeedItem.objects.count(),
                # The boundary import records every run; nothing else may.
                AuditLog.objects.exclude(action="places.import_neighborhoods").count(),
            ]
        before = state()
        out = StringIO()

        call_command("load_demo", stdout=out)

        assert state() == before
        text = out.getvalue()
        assert "Already loaded" in text
        assert "2 public agencies (4 staff), 4 agency posts, 7 replies" in text
        for local in ("chief", "officer", "tips", "utilities"):
            assert f"{local}{DEMO}" in text
        assert "townsquare demo_code EMAIL" in text
