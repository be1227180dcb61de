"""The Sacramento demo on the real data: its shape, its accounts, and that its derived state
is exactly what the real actions would have produced.

The demo is loaded once for the whole class (Django's setUpTestData, rolled back after),
because loading it takes seconds and every test here only reads it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase
from django.utils import timezone

from townsquare.accounts import actions as accounts
from townsquare.accounts.actions.postcards import pending_postcard_residents
from townsquare.accounts.models import Resident, User
from townsquare.demo import loader
from townsquare.feeds import selectors as feeds
from townsquare.feeds.models import FeedItem
from townsquare.places.models import Address, City, Neighborhood
from townsquare.posts import profiling, selectors
from townsquare.posts.models import Category, Post, Reply, Report, Thank

DATA = Path(settings.BASE_DIR) / "data" / "sacramento"
DEMO = "@demo.townsquare.invalid"
THRESHOLD = 10


class SacramentoDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.summary = loader.load(DATA)
        cls.city = City.objects.get(slug="sacramento")
        cls.pocket = Neighborhood.objects.get(city=cls.city, slug="pocket")

    def user(self, local: str) -> User:
        return User.objects.get(email=f"{local}{DEMO}")

    def resident(self, local: str) -> Resident:
        return Resident.objects.select_related("neighborhood").get(user=self.user(local))

    # --- shape ----------------------------------------------------------------------------
    def test_sacramento_with_its_121_neighborhoods_and_gazetteer(self):
        assert self.city.name == "Sacramento"
        assert Neighborhood.objects.filter(city=self.city).count() == 121
        assert Address.objects.filter(city=self.city).count() == 5490
        assert self.summary.generated is True

    def test_coverage_is_86_percent_and_the_rest_is_below_the_threshold(self):
        nbhds = Neighborhood.objects.filter(city=self.city)
        launched = nbhds.filter(launched_at__isnull=False)
        waiting = nbhds.filter(launched_at__isnull=True)

        assert launched.count() == 104
        assert round(100 * launched.count() / nbhds.count()) == 86
        assert all(n.verified_members >= THRESHOLD for n in launched)
        assert sorted({n.verified_members < THRESHOLD for n in waiting}) == [True]
        assert self.pocket.launched_at is not None

    def test_the_named_accounts(self):
        resident, neighbor = self.resident("resident"), self.resident("neighbor")
        newcomer, lead = self.resident("newcomer"), self.resident("lead")
        operator = self.user("operator")

        for person in (resident, neighbor, newcomer, lead):
            assert person.neighborhood == self.pocket
            assert person.user.check_password("townsquare-demo")
        assert resident.is_verified and neighbor.is_verified and lead.is_verified
        assert not newcomer.is_verified
        assert (resident.is_lead, neighbor.is_lead, lead.is_lead) == (False, False, True)
        assert list(Resident.objects.filter(neighborhood=self.pocket, lead_since__isnull=False)
                    ) == [lead]
        assert (operator.is_staff, operator.is_superuser, operator.is_demo) == (True, True, True)
        assert operator.check_password("townsquare-demo")
        assert not Resident.objects.filter(user=operator).exists()
        assert newcomer in pending_postcard_residents()

    def test_demo_accounts_are_marked_and_use_the_reserved_domain(self):
        users = User.objects.all()

        # Plus the operator and the agencies' staff (tests/demo/test_agencies.py).
        assert users.count() == self.summary.residents + 1 + self.summary.public.staff == \
            self.summary.residents + 5
        assert users.filter(is_demo=False).count() == 0
        assert [u.email for u in users if not u.email.endswith(DEMO)] == []
        names = [u.display_name for u in users]
        assert all(re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", n) for n in names), names[:5]

    def test_homes_are_real_gazetteer_addresses_in_their_neighborhood(self):
        gazetteer = set(Address.objects.filter(city=self.city)
                        .values_list("text", "street", "lat", "lon", "neighborhood_id"))
        homes = set(Resident.objects.values_list(
            "home_address", "street", "home_lat", "home_lon", "neighborhood_id"))

        assert homes - gazetteer == set()

    def test_unverified_residents_wait_for_postcards(self):
        waiting = Resident.objects.filter(verified_at__isnull=True)

        assert waiting.count() == self.summary.residents - self.summary.verified
        assert waiting.count() > 100
        assert pending_postcard_residents().count() == waiting.count()

    def test_leads_exist_in_many_launched_neighborhoods(self):
        leads = Resident.objects.filter(lead_since__isnull=False)

        assert leads.count() > 40
        assert sorted({r.is_verified and r.neighborhood.launched for r in leads}) == [True]
        assert sorted({r.lead_since > r.verified_at for r in leads}) == [True]

    # --- posts ----------------------------------------------------------------------------
    def test_posts_in_every_category_in_the_city_and_in_pocket(self):
        everywhere = set(Post.objects.values_list("category", flat=True))
        pocket = set(Post.objects.filter(neighborhood=self.pocket)
                     .values_list("category", flat=True))

        assert everywhere == set(Category.values)
        assert pocket == set(Category.values)
        assert Post.objects.filter(share_nearby=True).count() > 100
        assert Post.objects.filter(share_nearby=False).count() > 100

    def test_crime_posts_are_real_incidents_by_block_with_no_person(self):
        incidents = Post.objects.filter(category=Category.CRIME_SAFETY,
                                        title__contains=" reported ")
        pattern = re.compile(r"^[A-Z][a-z -]+ reported "
                             r"(on the (first|[1-9]\d*00) block of \S.*|at \S.* and \S.*)$")

        assert incidents.count() > 104
        assert [p.title for p in incidents if not pattern.match(p.title)] == []
        assert sorted({p.person == {} for p in incidents}) == [True]
        assert [p.pk for p in Post.objects.all()
                if profiling.mentions_race(f"{p.title}\n{p.body}")] == []
        # Vandalism at a real Pocket block, as the brief's example shows.
        assert Post.objects.filter(title__regex=r"^(Vandalism|Graffiti|Car break-in|Stolen car"
                                   r"|Home burglary) reported on the \d+ block of").exists()

    def test_the_named_accounts_have_posts_and_a_report_to_moderate(self):
        mine = Post.objects.filter(author=self.resident("resident"))
        report = Report.objects.get()

        assert sorted(mine.values_list("category", flat=True)) == ["general", "lost_found"]
        assert report.post.neighborhood == self.pocket
        assert report.reporter == self.user("neighbor")
        assert report.resolved_at is None
        assert selectors.moderation_queue(self.user("lead")) == [report]

    def test_a_verified_resident_sees_a_feed_and_the_newcomer_does_not(self):
        page = feeds.feed(self.user("resident"), limit=25)
        empty = feeds.feed(self.user("newcomer"))

        assert len(page.items) == 25 and page.next is not None
        # Agency posts are there too (tests/demo/test_agencies.py); residents' posts come
        # from Pocket and the places next door.
        assert {p.neighborhood_id for p in page.items if isinstance(p, Post)} <= {
            self.pocket.pk, *self.pocket.nearby.values_list("id", flat=True)}
        assert empty.items == []

    def test_shared_posts_reach_nearby_neighborhoods(self):
        shared = Post.objects.filter(neighborhood=self.pocket, share_nearby=True).first()
        unshared = Post.objects.filter(neighborhood=self.pocket, share_nearby=False).first()
        nearby = (Resident.objects.filter(neighborhood__in=self.pocket.nearby.all(),
                                          verified_at__isnull=False)
                  .select_related("user").first())

        assert shared is not None and unshared is not None and nearby is not None
        visible = set(Post.objects.filter(selectors.policy.visible_posts_q(nearby.user))
                      .values_list("id", flat=True))
        assert shared.pk in visible
        assert unshared.pk not in visible

    # --- derived state, computed independently of the generator ---------------------------
    def test_member_counts_launches_and_founders_match_the_rows(self):
        verified = defaultdict(list)
        for nbhd_id, at, pk in (Resident.objects.filter(verified_at__isnull=False)
                                .order_by("verified_at", "pk")
                                .values_list("neighborhood_id", "verified_at", "pk")):
            verified[nbhd_id].append((at, pk))
        for nbhd in Neighborhood.objects.filter(city=self.city):
            members = verified[nbhd.pk]
            assert nbhd.verified_members == len(members), nbhd.name
            if len(members) >= THRESHOLD:
                assert nbhd.launched_at == members[THRESHOLD - 1][0], nbhd.name
            else:
                assert nbhd.launched_at is None, nbhd.name
        founders = set(Resident.objects.filter(founding_member=True).values_list("pk", flat=True))
        expected = {pk for nbhd_id, members in verified.items()
                    for _at, pk in members[:THRESHOLD] if len(members) >= THRESHOLD}
        assert founders == expected

    def test_feed_items_reply_and_thank_counts_match_the_rows(self):
        posts = {p.pk: p for p in Post.objects.all()}
        items = list(FeedItem.objects.filter(post__isnull=False).values_list(
            "post_id", "neighborhood_id", "created_at", "share_nearby"))
        replies = Counter(Reply.objects.filter(deleted_at__isnull=True)
                          .values_list("post_id", flat=True))
        thanks = Counter(Thank.objects.values_list("post_id", flat=True))

        assert len(posts) == self.summary.posts
        assert sorted(i[0] for i in items) == sorted(posts)  # exactly one per post
        for post_id, nbhd_id, at, shared in items:
            post = posts[post_id]
            assert (nbhd_id, at, shared) == (post.neighborhood_id, post.created_at,
                                             post.share_nearby)
        assert {pk: p.reply_count for pk, p in posts.items()} == {
            pk: replies[pk] for pk in posts}
        assert {pk: p.thank_count for pk, p in posts.items()} == {
            pk: thanks[pk] for pk in posts}
        assert sum(replies.values()) == self.summary.replies > 0
        assert sum(thanks.values()) == self.summary.thanks > 0

    def test_everyone_wrote_after_being_verified_and_before_now(self):
        posts = Post.objects.select_related("author")
        late = [p.pk for p in posts if not p.author.verified_at < p.created_at]
        replies = Reply.objects.select_related("author", "post")
        bad_replies = [r.pk for r in replies
                       if not (r.post.created_at < r.created_at and r.author.verified_at
                               and r.author.verified_at < r.created_at
                               and r.author.neighborhood_id == r.post.neighborhood_id)]
        thanks = Thank.objects.select_related("resident", "post")
        bad_thanks = [t.pk for t in thanks if not t.post.created_at < t.created_at]

        assert (late, bad_replies, bad_thanks) == ([], [], [])
        assert Post.objects.filter(created_at__gt=timezone.now()).count() == 0
        assert Post.objects.aggregate(n=Count("author", distinct=True))["n"] > 500

    # --- idempotent, and the real actions work on it ---------------------------------------
    def test_running_load_demo_again_changes_nothing(self):
        before = (User.objects.count(), Resident.objects.count(), Post.objects.count(),
                  Reply.objects.count(), Thank.objects.count(), FeedItem.objects.count(),
                  Neighborhood.objects.count(), Address.objects.count(), City.objects.count())
        out = StringIO()

        call_command("load_demo", stdout=out)

        after = (User.objects.count(), Resident.objects.count(), Post.objects.count(),
                 Reply.objects.count(), Thank.objects.count(), FeedItem.objects.count(),
                 Neighborhood.objects.count(), Address.objects.count(), City.objects.count())
        assert after == before
        text = out.getvalue()
        assert "104 launched (86% coverage)" in text
        assert "Already loaded" in text
        for local in ("resident", "neighbor", "newcomer", "lead", "operator"):
            assert f"{local}{DEMO}" in text

    def test_verifying_the_newcomer_with_the_real_action_counts_one_more(self):
        newcomer = self.resident("newcomer")
        members = self.pocket.verified_members

        assert accounts.verify_resident(newcomer, method=Resident.Method.OPERATOR) is True

        self.pocket.refresh_from_db()
        newcomer.refresh_from_db()
        assert self.pocket.verified_members == members + 1
        assert newcomer.founding_member is False
