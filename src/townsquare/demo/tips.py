"""The demo's tips to the police, and one closed loop on the graffiti request.

Sent and handled through the tips actions, as the pages and the API do: anonymous tips and
a private one from a Pocket resident about the graffiti request for information, answered
and triaged by the tips desk (Rosa Delgado); two more tips waiting in the inbox; and the
officer's outcome on the graffiti request, which every tipster on it reads with their code
and everyone who replied receives.

Idempotent: loading the demo again adds nothing twice (an audit entry marks the tips as
loaded; the outcome is posted once). The follow-up codes are not kept anywhere, as in real
use: try the tipster's side by sending a tip of your own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction

from townsquare.accounts.models import User
from townsquare.agencies.models import Agency, AgencyPost
from townsquare.core import audit
from townsquare.core.models import AuditLog
from townsquare.demo.agencies import OFFICER, POLICE, TIPS
from townsquare.demo.agency_posts import GRAFFITI_KEY
from townsquare.demo.people import DOMAIN, NEIGHBOR
from townsquare.places.models import City
from townsquare.tips import actions, outcomes
from townsquare.tips.models import Outcome

MARK = "demo.load_tips"

GRAFFITI_ANONYMOUS = (
    "Two people with a backpack and spray cans on the levee path behind the houses, around "
    "11 pm last Friday. They left on bikes toward the park. I don't want to be named.")
GRAFFITI_ANSWER = (
    "Thank you, this helps. Do you remember anything about the bikes or what they wore? "
    "Reply here with your code: we never learn who you are.")
GRAFFITI_TIPSTER_REPLY = "One bike was bright green. Both wore dark hoodies."
GRAFFITI_PRIVATE = (
    "My camera caught someone at the sound wall at 2:40 am on Saturday. I can send the clip "
    "if you tell me where.")
GRAFFITI_PRIVATE_ANSWER = (
    "Thank you, Sam. An officer will email you a link to upload the clip for case {case}.")
CIRCLING = (
    "A silver sedan without plates has circled Riverside and Florin several times a night "
    "this week, slowly, between 1 and 3 am.")
BREAK_IN = ("The white van parked on our street for three days has a broken side window. "
            "Nobody seems to own it.")
OUTCOME = (
    "Thanks to your footage and tips, two people were identified and the tagging along the "
    "river has stopped. The city painted over the last of the tags this week.")


def load(city: City, data_dir: Path, seed: int, now: dt.datetime) -> None:
    """Called by loader.load after the agencies are in place."""
    police = Agency.objects.filter(city=city, name=POLICE.name, email_domain=DOMAIN).first()
    if police is None:
        return
    graffiti = AgencyPost.objects.filter(agency=police, idempotency_key=GRAFFITI_KEY).first()
    if not AuditLog.objects.filter(action=MARK, agency_id=police.pk).exists():
        _send_tips(police, graffiti)
    if graffiti is not None and not Outcome.objects.filter(agency_post=graffiti).exists():
        outcomes.post_outcome(User.objects.get(email=OFFICER.account.email), graffiti, OUTCOME)


def _send_tips(police: Agency, graffiti: AgencyPost | None) -> None:
    desk = User.objects.get(email=TIPS.account.email)
    on_post = graffiti if graffiti is not None and graffiti.is_live() else None
    case = graffiti.case_number if graffiti is not None else ""

    sent = actions.submit_tip(agency=police, body=GRAFFITI_ANONYMOUS, agency_post=on_post,
                              lat=38.4847, lon=-121.5260)
    anonymous = sent.tip
    actions.staff_reply(desk, anonymous, GRAFFITI_ANSWER)
    actions.tipster_reply(sent.code, GRAFFITI_TIPSTER_REPLY)  # the code is then forgotten
    actions.update_tip(desk, anonymous, status="actionable", case_number=case,
                       assignee_email=desk.email, tags=["graffiti"])

    private = actions.submit_tip(agency=police, body=GRAFFITI_PRIVATE, agency_post=on_post,
                                 sender_user=User.objects.get(email=NEIGHBOR.email),
                                 anonymous=False).tip
    actions.staff_reply(desk, private, GRAFFITI_PRIVATE_ANSWER.format(case=case or "-"))
    actions.update_tip(desk, private, status="actionable", case_number=case,
                       tags=["graffiti", "video"])
    actions.add_note(desk, private, "Clip requested by email. Same style as the levee tags.")

    circling = actions.submit_tip(agency=police, body=CIRCLING).tip
    actions.update_tip(desk, circling, status="reviewing", tags=["vehicle"])
    actions.submit_tip(agency=police, body=BREAK_IN)
    with transaction.atomic(durable=True):
        audit.record(None, MARK, police, agency=police, tips=4)
