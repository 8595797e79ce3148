"""Demo accounts for a newcomer's `make run`: a learner, her parent, an author, an admin, and a
few other learners so that leaderboards have neighbours (their histories: `calcuingo.demo`)."""

from __future__ import annotations

from typing import TypedDict

from django.db import transaction

from . import services
from .models import ParentLink, User


class DemoAccount(TypedDict):
    username: str
    email: str
    password: str
    role: str
    time_zone: str


DEMO_PASSWORD = "calcuingo-demo"  # noqa: S105 - published in the README, demo only
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    {
        "username": "ada",
        "email": "ada@demo.calcuingo.org",
        "password": DEMO_PASSWORD,
        "role": "learner",
        "time_zone": "Europe/London",
    },
    {
        "username": "grace",
        "email": "grace@demo.calcuingo.org",
        "password": DEMO_PASSWORD,
        "role": "parent",
        "time_zone": "Europe/London",
    },
    {
        "username": "euler",
        "email": "euler@demo.calcuingo.org",
        "password": DEMO_PASSWORD,
        "role": "author",
        "time_zone": "Europe/London",
    },
    {
        "username": "admin",
        "email": "admin@demo.calcuingo.org",
        "password": DEMO_PASSWORD,
        "role": "staff",
        "time_zone": "Europe/London",
    },
)

# Other learners, in their own time zones: names of mathematicians, the same password.
NEIGHBOURS: tuple[DemoAccount, ...] = tuple(
    {
        "username": username,
        "email": f"{username}@demo.calcuingo.org",
        "password": DEMO_PASSWORD,
        "role": "learner",
        "time_zone": time_zone,
    }
    for username, time_zone in (
        ("emmy", "Europe/Berlin"),
        ("sofia", "Europe/Madrid"),
        ("alan", "Europe/London"),
        ("katherine", "America/New_York"),
        ("srinivasa", "Asia/Kolkata"),
    )
)


@transaction.atomic
def load() -> list[str]:
    """Create the demo accounts that are missing and link the parent; idempotent."""
    created: list[str] = []
    for account in (*DEMO_ACCOUNTS, *NEIGHBOURS):
        if User.objects.filter(username=account["username"]).exists():
            continue
        user = services.user_create(
            email=account["email"],
            username=account["username"],
            password=account["password"],
            role=account["role"],
            time_zone=account["time_zone"],
            is_verified=True,
            send_verification=False,
        )
        if account["role"] == User.Role.STAFF:
            User.objects.filter(pk=user.pk).update(is_superuser=True)
        created.append(account["username"])
    ParentLink.objects.get_or_create(
        parent=User.objects.get(username="grace"), learner=User.objects.get(username="ada")
    )
    return created
