"""The demo's posts, replies, thanks and reports, written in bulk with their derived state.

What the posts actions would keep in step is kept here too, and checked by
tests/demo: one FeedItem per live post (same neighborhood, time and sharing), reply and
thank counts equal to the rows, every author verified before they wrote.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from townsquare.demo import texts
from townsquare.demo.incidents import Incident, recent, street_case
from townsquare.demo.people import HOME_SLUG, LEAD, NEIGHBOR, RESIDENT, Person, Population
from townsquare.feeds.models import FeedItem
from townsquare.places.selectors import normalise_address
from townsquare.posts.models import Category, Post, Reply, Report, Thank

MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)
# Chance that a post of each category is shared with the neighborhoods next door.
SHARE = {"crime_safety": 0.5, "lost_found": 0.4, "events": 0.3}
TEMPLATE_WEIGHTS = {"general": 3, "lost_found": 2, "recommendations": 2, "for_sale_free": 2,
                    "events": 2, "crime_safety": 1}


@dataclass
class Draft:
    author: Person
    category: str
    title: str
    body: str
    created_at: dt.datetime
    share_nearby: bool
    replies: list[tuple[Person, str, dt.datetime]] = field(default_factory=list)
    thanks: list[tuple[Person, dt.datetime]] = field(default_factory=list)
    post: Post | None = None


class Writer:
    def __init__(self, population: Population, incidents: list[Incident],
                 rng: random.Random, now: dt.datetime) -> None:
        self.population, self.rng, self.now = population, rng, now
        # The README's accounts write only the posts given to them (_named_authors).
        self.named = {id(p) for p in population.named.values()}
        self.incidents: dict[str, list[Incident]] = defaultdict(list)
        for incident in incidents:
            self.incidents[incident.address_key].append(incident)

    def draft_all(self) -> list[Draft]:
        drafts: list[Draft] = []
        for nbhd_id, members in self.population.by_nbhd.items():
            if not members:
                continue
            launched = nbhd_id in self.population.launched
            nbhd = members[0].nbhd
            streets = sorted({street_case(h.street) for h in self.population.homes[nbhd_id]
                              if " / " not in h.street}) or ["our street"]
            categories = self._categories(launched, len(members), nbhd.slug == HOME_SLUG)
            used: set[tuple[str, str]] = set()  # no template twice in one neighborhood
            for category in categories:
                drafts.append(self._from_template(category, members, streets, used))
            drafts.extend(self._from_incidents(nbhd_id, members, launched))
        for draft in drafts:
            self._conversation(draft, self.population.by_nbhd[draft.author.nbhd.pk])
        self._named_authors(drafts)
        return drafts

    def _categories(self, launched: bool, members: int, home: bool) -> list[str]:
        rng = self.rng
        if launched:
            count = rng.randint(8, 16) + (12 if home else 0)
        elif members >= 2:
            count = rng.randint(0, 2)
        else:
            count = 0
        chosen = rng.choices(list(TEMPLATE_WEIGHTS), weights=list(TEMPLATE_WEIGHTS.values()),
                             k=count)
        if home:  # every category, for whoever signs in with a named account
            chosen = [*TEMPLATE_WEIGHTS, *chosen]
        return chosen

    def _from_template(self, category: str, members: list[Person], streets: list[str],
                       used: set[tuple[str, str]]) -> Draft:
        rng = self.rng
        fresh = [t for t in texts.POSTS[category] if t not in used]
        title, body = rng.choice(fresh or texts.POSTS[category])
        used.add((title, body))
        values = {"street": rng.choice(streets), "nbhd": members[0].nbhd.name}
        author = rng.choice([m for m in members if id(m) not in self.named] or members)
        start = max(author.verified_at or self.now, self.now - 30 * DAY) + 10 * MINUTE
        created = start + (self.now - 30 * MINUTE - start) * rng.random()
        return Draft(author, category, title.format(**values), body.format(**values),
                     created, rng.random() < SHARE.get(category, 0.1))

    def _from_incidents(self, nbhd_id: int, members: list[Person],
                        launched: bool) -> list[Draft]:
        rng = self.rng
        here = [i for h in self.population.homes[nbhd_id] for i in self.incidents.get(
            normalise_address(h.text), [])]
        wanted = rng.randint(1, 3) if launched else rng.randint(0, 1)
        drafts = []
        for incident in rng.sample(here, min(wanted, len(here))):
            happened = recent(incident.when, self.now)
            created = min(happened + rng.randint(30, 300) * MINUTE, self.now - 10 * MINUTE)
            authors = [m for m in members if m.verified_at and m.verified_at < created
                       and id(m) not in self.named]
            if not authors:
                continue
            body = texts.INCIDENT_BODY.format(
                phrase=incident.phrase, where=incident.where, weekday=f"{happened:%A}",
                time=_clock(happened), tip=incident.tip,
            )
            drafts.append(Draft(rng.choice(authors), Category.CRIME_SAFETY.value,
                                f"{incident.title} reported {incident.where}", body, created,
                                rng.random() < SHARE["crime_safety"]))
        return drafts

    def _conversation(self, draft: Draft, members: list[Person]) -> None:
        rng = self.rng
        others = [m for m in members if m is not draft.author and m.verified_at
                  and m.verified_at < draft.created_at]
        for person in rng.sample(others, min(len(others), rng.choice([0, 0, 1, 1, 2, 2, 3, 4]))):
            draft.replies.append((person, rng.choice(texts.REPLIES[draft.category]),
                                  self._after(draft.created_at)))
        draft.replies.sort(key=lambda r: r[2])
        for person in rng.sample(others, rng.randint(0, min(len(others), 8))):
            draft.thanks.append((person, self._after(draft.created_at)))

    def _after(self, moment: dt.datetime) -> dt.datetime:
        end = min(moment + 3 * DAY, self.now - MINUTE)
        return moment + MINUTE + (end - moment - MINUTE) * self.rng.random()

    def _named_authors(self, drafts: list[Draft]) -> None:
        """Give the README's accounts something of their own to look at in Pocket."""
        named = self.population.named
        home = [d for d in drafts if d.author.nbhd.slug == HOME_SLUG]
        taken = {id(p) for p in named.values()}
        wanted = [(RESIDENT.local, "general"), (RESIDENT.local, "lost_found"),
                  (NEIGHBOR.local, "recommendations"), (LEAD.local, "events")]
        for local, category in wanted:
            person = named.get(local)
            draft = next((d for d in home if d.category == category
                          and id(d.author) not in taken), None)
            if person is None or draft is None:
                continue
            draft.author = person
            draft.replies = [r for r in draft.replies if r[0] is not person]
            draft.thanks = [t for t in draft.thanks if t[0] is not person]


def _clock(moment: dt.datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'am' if moment.hour < 12 else 'pm'}"


def write(drafts: list[Draft]) -> None:
    """Posts, then their feed rows, replies and thanks, with counts matching the rows."""
    posts = []
    for d in drafts:
        d.post = Post(author=d.author.resident, neighborhood=d.author.nbhd, category=d.category,
                      title=d.title, body=d.body, share_nearby=d.share_nearby,
                      created_at=d.created_at, reply_count=len(d.replies),
                      thank_count=len(d.thanks))
        posts.append(d.post)
    Post.objects.bulk_create(posts, batch_size=500)
    FeedItem.objects.bulk_create(
        [FeedItem(neighborhood_id=p.neighborhood_id, created_at=p.created_at,
                  share_nearby=p.share_nearby, post=p) for p in posts],
        batch_size=500,
    )
    replies = [Reply(post=d.post, author=person.resident, body=body)
               for d in drafts for person, body, _at in d.replies]
    thanks = [Thank(post=d.post, resident=person.resident)
              for d in drafts for person, _at in d.thanks]
    Reply.objects.bulk_create(replies, batch_size=500)
    Thank.objects.bulk_create(thanks, batch_size=500)
    # auto_now_add stamped "now"; put back the planned times.
    for reply, at in zip(replies, [at for d in drafts for _p, _b, at in d.replies],
                         strict=True):
        reply.created_at = at
    for thank, at in zip(thanks, [at for d in drafts for _p, at in d.thanks], strict=True):
        thank.created_at = at
    Reply.objects.bulk_update(replies, ["created_at"], batch_size=500)
    Thank.objects.bulk_update(thanks, ["created_at"], batch_size=500)


def open_report(population: Population, drafts: list[Draft]) -> Report | None:
    """One open report in Pocket, so its lead has something in the moderation queue."""
    reporter = population.named.get(NEIGHBOR.local)
    if reporter is None or reporter.resident is None:
        return None
    named = set(map(id, population.named.values()))
    target = next((d for d in drafts if d.author.nbhd.slug == HOME_SLUG
                   and d.category == "for_sale_free" and id(d.author) not in named),
                  None)
    if target is None or target.post is None:
        return None
    return Report.objects.create(post=target.post, reporter=reporter.resident.user,
                                 reason=Report.Reason.SPAM,
                                 note="Same ad was posted in three neighborhoods.")
