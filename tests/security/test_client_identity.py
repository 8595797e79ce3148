"""Throttles, lockout and audit key on the real client: the connection, or our trusted proxies.

A client cannot pick its address by typing an `X-Forwarded-For` header; behind our own proxy
(`TRUSTED_PROXY_COUNT`), the address the proxy saw is the client's, not the proxy's.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import AuditEvent, User
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def log_in(client: APIClient, login: str, password: str, **meta: str) -> int:
    response = client.post("/api/v1/auth/login", {"email": login, "password": password}, **meta)
    return int(response.status_code)


@pytest.fixture(autouse=True)
def _five_attempts(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 5


def test_a_made_up_forwarded_for_header_does_not_escape_the_login_throttle(
    api_client: APIClient, login_rate: int, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [
        log_in(
            api_client,
            f"nobody{n}@example.org",
            "wrong",
            REMOTE_ADDR="198.51.100.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        for n in range(login_rate + 1)
    ]

    assert statuses == [401] * login_rate + [429]


def test_behind_a_trusted_proxy_each_client_has_its_own_throttle_and_spoofing_does_not_help(
    api_client: APIClient, login_rate: int, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1

    def through_proxy(forwarded: str, n: int) -> int:
        return log_in(
            api_client,
            f"nobody{n}@example.org",
            "wrong",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    # The attacker writes a new "client" in front each time; the proxy appends her real address.
    attacker = [through_proxy(f"192.0.2.{n}, 198.51.100.9", n) for n in range(login_rate + 1)]
    # Another learner behind the same proxy is not throttled by her.
    neighbour = through_proxy("203.0.113.5", 99)

    assert attacker == [401] * login_rate + [429]
    assert neighbour == 401


def test_behind_a_proxy_a_stranger_cannot_lock_a_learner_out_of_her_account(
    learner: User, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    stranger = APIClient()
    for _ in range(6):
        log_in(
            stranger,
            "ada@example.org",
            "guessing",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.9",
        )

    ada_at_home = log_in(
        APIClient(),
        "ada@example.org",
        DEFAULT_PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    stranger_again = log_in(
        stranger,
        "ada@example.org",
        DEFAULT_PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )

    assert ada_at_home == 200
    assert stranger_again == 429, "the stranger's own address stays locked"


def test_without_trusted_proxies_a_made_up_header_does_not_escape_the_lockout(
    learner: User, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    client = APIClient()
    for n in range(5):
        log_in(
            client,
            "ada@example.org",
            "guessing",
            REMOTE_ADDR="198.51.100.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )

    assert (
        log_in(
            client,
            "ada@example.org",
            DEFAULT_PASSWORD,
            REMOTE_ADDR="198.51.100.9",
            HTTP_X_FORWARDED_FOR="192.0.2.77",
        )
        == 429
    )


@pytest.mark.parametrize(
    ("trusted", "forwarded", "recorded"),
    [
        (0, "192.0.2.1", "198.51.100.9"),
        (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        (2, "192.0.2.1, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (1, "not-an-address", "198.51.100.9"),
    ],
)
def test_the_audit_trail_records_the_address_our_proxies_vouch_for(
    settings: Any, trusted: int, forwarded: str, recorded: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = trusted
    UserFactory(username="ada", email="ada@example.org")

    status = log_in(
        APIClient(),
        "ada@example.org",
        DEFAULT_PASSWORD,
        REMOTE_ADDR="198.51.100.9",
        HTTP_X_FORWARDED_FOR=forwarded,
    )

    assert status == 200
    login = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert login.ip_address == recorded
