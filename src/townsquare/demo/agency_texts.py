"""What the demo's agencies write, and what residents answer. Plain text, like every post.

The police texts are filled in from the real January 2006 incidents (agency_posts.py): the
blocks, the days and the counts are the data's. Nothing describes a person.
"""

from __future__ import annotations

GRAFFITI_TITLE = "Graffiti in {nbhds}: did you see anything?"
GRAFFITI_BODY = (
    "Between {first} and {last} we took {count} reports of graffiti {places}. The tags "
    "look alike, and we are treating them as one series.\n\n"
    "If you live nearby and have a doorbell or driveway camera, please check your footage "
    "from those nights and early mornings. Anything helps: a time, a car that stopped, the "
    "direction someone came from. Reply here or call our tips line and mention case "
    "{case}.\n\n"
    "Please don't paint over a fresh tag before it has been reported and photographed. "
    "After that the city removes graffiti for free: report it to 311."
)
GRAFFITI_REPLIES = (
    "Our doorbell camera faces the street a block from there. I went through the footage "
    "from those nights and sent two clips to the tips line with the case number.",
    "The sound wall along our street was tagged that same week, same style. I reported it "
    "to 311 and it was painted over two days later.",
)

BREAK_INS_TITLE = "Car break-ins across the city: leave nothing in sight"
BREAK_INS_BODY = (
    "In the four weeks to {day} officers took {count} reports of car break-ins across "
    "Sacramento, the most in {nbhds}. Nearly every car had something visible inside: a bag, "
    "a jacket, a charging cable.\n\n"
    "Before you walk away from your car, take everything with you or put it in the trunk "
    "before you arrive, lock the doors, close the windows, and park under a light when you "
    "can. Garage remotes and spare keys do not belong in the glove box.\n\n"
    "If your car is broken into, report it online or on the non-emergency line, even when "
    "nothing of value was taken: the reports show us where to patrol."
)
BREAK_INS_REPLIES = (
    "Thank you. Ours was broken into last month for a gym bag on the back seat, and the bag "
    "was empty. Lesson learned.",
    "Could you post these numbers every month? It helps to know whether it is getting "
    "better.",
)

COFFEE_TITLE = "Coffee with a Cop at the Pocket-Greenhaven Library"
COFFEE_PLACE = "Robbie Waters Pocket-Greenhaven Library, 7335 Gloria Dr"
COFFEE_BODY = (
    "Officers who patrol {nbhds} will be at the library on {day} from 9:30 to 11 am, with "
    "coffee and time to talk. Bring your questions: the graffiti series, speeding on "
    "Riverside Boulevard, how to start a Neighborhood Watch on your street.\n\n"
    "No speeches and no sign-up: stop by for five minutes or stay for the hour. Families "
    "are welcome."
)
COFFEE_REPLIES = (
    "I'll bring the sign-up sheet for the Pocket neighborhood watch. See you there!",
    "Great idea. My kids have been asking to see a patrol car up close.",
)

FLUSHING_TITLE = "Hydrant flushing in the South Area, {first} to {last}"
FLUSHING_BODY = (
    "From {first} to {last}, on weekdays from 8 am to 3 pm, our crews will flush fire "
    "hydrants street by street in {nbhds}. Flushing clears sediment out of the water mains "
    "and lets us check that every hydrant works.\n\n"
    "Your water stays safe to drink. While a crew is on your street the pressure may drop "
    "for a while, and afterwards the water can look cloudy or brownish: run the cold tap "
    "for a few minutes until it runs clear, and hold off on laundry until then.\n\n"
    "Crews leave a notice on doors the day before they come. Please keep the curb next to "
    "hydrants clear on those days."
)
FLUSHING_REPLIES = (
    "Thanks for the warning about laundry. Last time we learned that one the hard way.",
)
