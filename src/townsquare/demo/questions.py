"""The demo's questions to the police, neighbors' votes and the answers.

Asked, voted, answered and pinned through the questions actions, as the pages and the API
do: five questions from residents of the city to the Sacramento Police Department, upvoted
by their neighbors; the officer (Marcus Bell) answered two, and the chief pinned one to the
police's FAQ. Three wait in the staff queue, the most upvoted first.

Idempotent: loading the demo again adds nothing twice (nothing is added once the police
have questions)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from townsquare.accounts.models import Resident, User
from townsquare.agencies.models import Agency
from townsquare.demo.agencies import CHIEF, OFFICER, POLICE
from townsquare.demo.people import DOMAIN, LEAD, NEIGHBOR, RESIDENT
from townsquare.places.models import City
from townsquare.questions import actions
from townsquare.questions.models import Question

# (asker: a named account's local part, or None for another verified resident; title; text;
# votes; answer or None; pinned to the FAQ)
QUESTIONS = (
    (RESIDENT.local, "Why so many sirens on Riverside Boulevard at night?",
     "Most nights between 1 and 3 am we hear sirens going up and down Riverside. Is "
     "something going on in Pocket, or is it just the route to somewhere else?", 6,
     "Riverside Boulevard is the fastest way from the south station to the freeway, so "
     "most of what you hear is passing through on calls elsewhere. Calls in Pocket itself "
     "are below last year's. You can see the numbers for your neighborhood on townsquare.",
     True),
    (NEIGHBOR.local, "How do I report a car that has been parked on our street for weeks?",
     "A car with flat tyres has not moved from our street for about a month. Who do we "
     "call, and is it the police or the city?", 3,
     "A vehicle left on a public street for more than 72 hours can be reported to the "
     "city's parking enforcement through 311. If it looks stolen or was part of a crime, "
     "call our non-emergency line or send us a tip from our page.", False),
    (LEAD.local, "Is there a neighborhood watch program we can join?",
     "Several neighbors asked whether the department supports a neighborhood watch in "
     "Pocket, and what it would take to start one.", 5, None, False),
    (None, "What can we do about catalytic converter thefts?",
     "Two cars on our block lost their catalytic converters this month. Is there anything "
     "residents can do, and are you seeing more of these?", 2, None, False),
    (None, "Can an officer come to our block party in June?",
     "We are planning a block party and the kids would love to meet an officer.", 0, None,
     False),
)


def load(city: City, data_dir: Path, seed: int, now: dt.datetime) -> None:
    """Called by loader.load after the agencies are in place."""
    police = Agency.objects.filter(city=city, name=POLICE.name, email_domain=DOMAIN).first()
    if police is None or Question.objects.filter(agency=police).exists():
        return
    officer = User.objects.get(email=OFFICER.account.email)
    chief = User.objects.get(email=CHIEF.account.email)
    named = {f"{p.local}@{DOMAIN}" for p in (RESIDENT, NEIGHBOR, LEAD)}
    others = list(Resident.objects.filter(neighborhood__city=city, verified_at__isnull=False)
                  .exclude(user__email__in=named).select_related("user").order_by("pk")[:40])
    rng = random.Random(seed)
    voters = rng.sample(others, k=min(len(others), 10))
    askers = [r.user for r in others if r not in voters][:2]
    for asker_local, title, body, votes, answer, pinned in QUESTIONS:
        asker = (User.objects.get(email=f"{asker_local}@{DOMAIN}") if asker_local
                 else askers.pop(0) if askers else None)
        if asker is None:
            continue
        question = actions.ask_question(asker, police, title=title, body=body)
        for voter in voters[:votes]:
            actions.vote(voter.user, question)
        if answer:
            actions.answer(officer, question, body=answer)
        if pinned:
            actions.set_pinned(chief, question, pinned=True)
