"""Redis stopped, or hung with SIGSTOP, in the middle of a learner's lesson.

The site keeps answering within a small budget per request (the circuit breaker skips the sick
server after its first timeout), login throttling still holds (counted in memory meanwhile), every
acknowledged answer is in the database with XP matching its ledger, and when Redis is back the
site uses it again after the breaker's pause, without a restart.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.cache import cache

from gamification.services import xp_verify
from practice.models import Attempt
from tests.faults.conftest import CIRCUIT_RESET, REQUEST_BUDGET, Learner, RedisServer, call

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

PAGES = (
    "/api/v1/me",
    "/api/v1/me/standing",
    "/api/v1/progress/tracks",
    "/api/v1/leaderboards/weekly",
    "/api/v1/leaderboards/all_time",
    "/api/v1/dashboards/me",
)


def browse(learner: Learner) -> None:
    for path in PAGES:
        assert learner.get(path) == 200, path
    for path in ("/", "/accounts/login/"):
        assert call("get", learner.base_url + path).status_code == 200, path


def failed_logins(base_url: str, times: int) -> list[int]:
    return [
        call(
            "post",
            base_url + "/api/v1/auth/login",
            # A new account each time: the throttle is under test, not the per-account lockout.
            json={"email": f"nobody{n}@example.org", "password": "guess"},
        ).status_code
        for n in range(times)
    ]


def timed(work: Any) -> float:
    began = time.monotonic()
    work()
    return time.monotonic() - began


def assert_nothing_lost(learner: Learner) -> None:
    assert learner.refused == []
    assert Attempt.objects.filter(user=learner.user).count() == learner.acknowledged
    assert xp_verify() == []


def assert_redis_used_again(learner: Learner, server: RedisServer) -> None:
    """After the breaker's pause the site writes to Redis again: no restart needed."""
    server.client().flushdb()
    time.sleep(CIRCUIT_RESET + 0.2)
    learner.answer(2)
    browse(learner)
    assert server.client().dbsize() > 0, "the site wrote nothing to the recovered Redis"
    cache.set("fault-test", "back", 30)
    assert cache.get("fault-test") == "back"


def test_the_site_keeps_answering_while_redis_is_stopped_and_uses_it_again_once_restarted(
    cache_on_own_redis: RedisServer, learner_online: Learner, login_rate: int
) -> None:
    server, learner = cache_on_own_redis, learner_online
    healthy = timed(lambda: (learner.answer(5), browse(learner)))
    healthy_slowest, learner.slowest = learner.slowest, 0.0

    server.stop()
    stopped = timed(lambda: (learner.answer(5), browse(learner)))
    during_outage = failed_logins(learner.base_url, login_rate + 1)

    assert learner.slowest < healthy_slowest + REQUEST_BUDGET, f"took {learner.slowest:.2f} s"
    assert stopped - healthy < 3.0, f"the outage cost {stopped - healthy:.1f} s more than health"
    assert during_outage == [401] * login_rate + [429], "throttling must hold during the outage"

    server.start()
    assert_redis_used_again(learner, server)
    assert_nothing_lost(learner)


def test_the_site_keeps_answering_while_redis_hangs_and_recovers_after_sigcont(
    cache_on_own_redis: RedisServer, learner_online: Learner, login_rate: int
) -> None:
    server, learner = cache_on_own_redis, learner_online
    healthy = timed(lambda: (learner.answer(5), browse(learner)))
    healthy_slowest, learner.slowest = learner.slowest, 0.0

    server.pause()
    hung = timed(lambda: (learner.answer(5), browse(learner)))
    during_hang = failed_logins(learner.base_url, login_rate + 1)

    assert learner.slowest < healthy_slowest + REQUEST_BUDGET, f"took {learner.slowest:.2f} s"
    # Thirteen requests of several cache calls each: waiting for the hung server on every call
    # would add seconds; the breaker pays one timeout, then one probe per pause.
    assert hung - healthy < 3.0, f"the hang cost {hung - healthy:.1f} s more than health"
    assert during_hang == [401] * login_rate + [429], "throttling must hold while Redis hangs"

    server.resume()
    assert_redis_used_again(learner, server)
    assert_nothing_lost(learner)


def test_answers_written_while_redis_was_away_show_in_the_progress_once_it_is_back(
    cache_on_own_redis: RedisServer, learner_online: Learner
) -> None:
    """Cached reads taken before the outage must not hide the answers given during it."""
    server, learner = cache_on_own_redis, learner_online
    learner.answer(2)
    before = learner.request("get", "/api/v1/progress/tracks").json()

    server.pause()
    learner.answer(3)
    server.resume()
    time.sleep(CIRCUIT_RESET + 0.2)
    after = learner.request("get", "/api/v1/progress/tracks").json()

    assert sum(row["attempts"] for row in after) == sum(row["attempts"] for row in before) + 3
