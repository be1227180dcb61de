"""What demo neighbors write: post templates per category and replies.

`{street}` is a real street of the neighborhood, `{nbhd}` its name. Crime & safety posts
mostly come from real incidents (demo/incidents.py); the few here are about hazards, and
none describes a person.
"""

from __future__ import annotations

POSTS: dict[str, tuple[tuple[str, str], ...]] = {
    "general": (
        ("Welcome to the new neighbors on {street}!",
         "Saw the moving truck this weekend. If you need anything (a ladder, a cup of sugar, "
         "the name of a good plumber) just ask here."),
        ("Street sweeping schedule changed",
         "Heads up: the sweeper now comes on the second Tuesday on {street}. Move your cars "
         "the night before to avoid a ticket."),
        ("Who else lost power last night?",
         "Our side of {street} was dark from about 9 to 11. SMUD says a transformer was "
         "replaced. Anyone still having trouble?"),
        ("Tree trimming on {street}",
         "The city crew is trimming the sycamores next week. They asked that we keep the curb "
         "clear from 7am."),
        ("Thank you to whoever returned our recycling bin",
         "It blew halfway down {street} in the wind and someone rolled it back. Small things "
         "make {nbhd} a good place to live."),
        ("Pothole on {street}",
         "There's a deep one near the corner. I reported it to 311; adding a report of your "
         "own moves it up the list."),
    ),
    "crime_safety": (
        ("Streetlight out on {street}",
         "The light near the middle of the block has been out for a week. I reported it to "
         "SMUD; the more reports, the faster the fix."),
        ("Loose dog on {street} this morning",
         "A friendly but nervous brown dog with no collar was running near traffic. Animal "
         "Care was called. Drive carefully."),
        ("Downed branch blocking the sidewalk",
         "A big limb came down on {street} after the storm. Please walk around it carefully; "
         "the city has been notified."),
    ),
    "lost_found": (
        ("Found: set of keys on {street}",
         "Three keys and a bottle opener on a blue ring, found on the sidewalk. Describe the "
         "key chain and they're yours."),
        ("Lost cat: gray tabby, answers to Miso",
         "Miso slipped out yesterday evening near {street}. She's shy and microchipped. "
         "Please check garages and sheds. Thank you!"),
        ("Found: kid's bike by the mailboxes",
         "A small red bike with training wheels has been by the mailboxes on {street} since "
         "Sunday. I brought it in so it doesn't walk off."),
        ("Lost: reading glasses in a green case",
         "Probably dropped on a walk along {street}. Not worth much to anyone but me!"),
    ),
    "recommendations": (
        ("Looking for a reliable plumber",
         "Our water heater is on its last legs. Who have you used in {nbhd} and would call "
         "again?"),
        ("Great taqueria near {street}",
         "Finally tried the little place on the corner. The al pastor is worth the line. "
         "Any other hidden gems nearby?"),
        ("Recommendation: babysitter for weekends",
         "We're new to {nbhd} and looking for a sitter for Saturday evenings. Teens with CPR "
         "training welcome."),
        ("Thank you, neighborhood handyman",
         "Called the handyman several of you recommended last month. Fair price, on time, "
         "fixed the fence in an afternoon."),
    ),
    "for_sale_free": (
        ("Free: moving boxes",
         "About twenty boxes, flattened, on my porch on {street}. Take as many as you like."),
        ("For sale: kids' bike, $40",
         "Outgrown 20-inch bike, good tires, new chain. Near {street}."),
        ("Free lemons!",
         "Our tree went wild this year. Bag of lemons on the front step on {street}, help "
         "yourself."),
        ("For sale: lawn mower, $75",
         "Gas mower, starts on the first pull, just upgraded to electric."),
    ),
    "events": (
        ("Block party on {street}, Saturday",
         "Potluck from 4pm, we'll close the street with the city permit. Bring a dish and a "
         "chair!"),
        ("Neighborhood cleanup this weekend",
         "Meet at 9am at the corner of {street}. Gloves and bags provided; coffee too."),
        ("Garage sale Saturday",
         "Several houses on {street} are joining in, 8am to noon."),
        ("{nbhd} walking group",
         "We walk every weekday at 7am, about 45 minutes, all paces welcome. Meet on "
         "{street}."),
    ),
}

REPLIES: dict[str, tuple[str, ...]] = {
    "general": (
        "Thanks for the heads up!", "Same here on our side.", "Good to know, thank you.",
        "Welcome to the neighborhood!", "I reported it too.",
    ),
    "crime_safety": (
        "Thanks for posting this. Locking up tonight.",
        "Our camera didn't catch anything, sorry.",
        "Good reminder, thank you.",
        "I'll keep an eye out on our block.",
        "Reported to SPD's non-emergency line as well.",
    ),
    "lost_found": (
        "Sharing with my family in case they saw anything.",
        "Hope you find them soon!",
        "I'll check our garage.",
        "So kind of you to look after it.",
    ),
    "recommendations": (
        "We've used them twice, very happy.",
        "Seconding this!",
        "Try the place on Freeport, they're great too.",
        "Sending you a message with a name.",
    ),
    "for_sale_free": (
        "Is this still available?",
        "I'd love some, thank you!",
        "Could I pick it up after work?",
    ),
    "events": (
        "We'll be there!", "Count us in.", "Can I bring my kids?", "What a great idea.",
    ),
}

INCIDENT_BODY = (
    "Sacramento PD logged a report of {phrase} {where} on {weekday} around {time}. "
    "Posting so our block knows. {tip}"
)
