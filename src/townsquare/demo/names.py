"""Generated display names for demo accounts: common first and last names, combined at random.

They look like real people's names on purpose (the demo should feel like a real
neighborhood) but belong to nobody: every demo account is marked `is_demo` and has an
email under the reserved `.invalid` domain.
"""

from __future__ import annotations

import random
import unicodedata

FIRST_NAMES = (
    "Maria", "James", "Linh", "Robert", "Aaliyah", "Michael", "Priya", "David", "Sofia",
    "John", "Mei", "Carlos", "Jennifer", "Ahmed", "Patricia", "Daniel", "Fatima", "William",
    "Elena", "Joseph", "Keisha", "Thomas", "Anh", "Christopher", "Grace", "Luis", "Emily",
    "Hiroshi", "Olivia", "Marcus", "Isabel", "Kevin", "Amara", "Brian", "Rosa", "Steven",
    "Nadia", "Anthony", "Hannah", "Jamal", "Laura", "Diego", "Rachel", "Tuan", "Megan",
    "Samuel", "Leilani", "Eric", "Ana", "Gurpreet", "Karen", "Omar", "Julia", "Vikram",
    "Nicole", "Andre", "Yesenia", "Paul", "Chloe", "Dmitri", "Teresa", "Malik", "Irene",
    "Hector", "Naomi", "Peter", "Ximena", "Raj", "Bethany", "Kenji",
)

LAST_NAMES = (
    "Garcia", "Nguyen", "Smith", "Johnson", "Martinez", "Lee", "Brown", "Patel", "Williams",
    "Rodriguez", "Chen", "Jones", "Hernandez", "Kim", "Davis", "Lopez", "Singh", "Miller",
    "Gonzalez", "Tran", "Wilson", "Perez", "Wong", "Anderson", "Sanchez", "Khan", "Taylor",
    "Ramirez", "Le", "Thomas", "Torres", "Yang", "Moore", "Flores", "Vang", "Jackson",
    "Rivera", "Lor", "Martin", "Gomez", "Pham", "White", "Diaz", "Sharma", "Harris",
    "Cruz", "Xiong", "Thompson", "Reyes", "Ali", "Clark", "Morales", "Huang", "Lewis",
    "Ortiz", "Ivanov", "Walker", "Gutierrez", "Dang", "Young", "Castillo", "Park",
    "Allen", "Romero", "Okafor", "King", "Mendoza", "Sato", "Wright", "Vargas",
)


def random_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def email_local_part(name: str, number: int) -> str:
    """"Ana Lopez", 7 -> "ana.lopez.7": unique by the number, ASCII by construction."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return f"{'.'.join(ascii_name.lower().split())}.{number}"
