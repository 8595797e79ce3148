"""The XP ledger: never negative, each source pays once, standings can be checked and repaired."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import F
from rest_framework.test import APIClient

from accounts.models import User
from gamification.levels import level_for, progress_in_level, xp_for_level
from gamification.models import Standing, XPEvent
from gamification.services import xp_award, xp_verify
from practice.models import PracticeSession
from tests.accounts.factories import UserFactory
from tests.practice.builders import answer_body, numeric_lesson

from .helpers import answer, start_lesson

pytestmark = pytest.mark.django_db


def grant(user: User, amount: int, source_id: int = 1) -> int:
    return xp_award(
        user=user, amount=amount, reason="achievement", source_type="test", source_id=source_id
    ).xp


def test_an_xp_event_of_zero_or_less_is_refused_by_the_database(learner: User) -> None:
    for amount in (0, -5):
        with pytest.raises(IntegrityError), transaction.atomic():
            XPEvent.objects.create(
                user=learner, amount=amount, reason="answer", source_type="attempt", source_id=9
            )


def test_a_standing_cannot_go_below_zero_xp(learner: User) -> None:
    Standing.objects.create(user=learner)

    with pytest.raises(IntegrityError), transaction.atomic():
        Standing.objects.filter(user=learner).update(xp=F("xp") - 1)


def test_awarding_nothing_writes_nothing(learner: User) -> None:
    assert grant(learner, 0) == 0
    assert grant(learner, -3) == 0

    assert not XPEvent.objects.filter(user=learner).exists()
    assert Standing.objects.get(user=learner).xp == 0


def test_the_same_source_pays_once_however_often_it_is_retried(learner: User) -> None:
    paid = [grant(learner, 25, source_id=7) for _ in range(3)]

    assert paid == [25, 0, 0]
    assert XPEvent.objects.filter(user=learner).count() == 1
    assert Standing.objects.get(user=learner).xp == 25


def test_a_retried_answer_earns_its_xp_once(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    ada = client_for(learner)
    session_id = start_lesson(ada, numeric_lesson(exercises=2))
    body = answer_body(PracticeSession.objects.get(pk=session_id))
    url, key = f"/api/v1/sessions/{session_id}/answers", {"Idempotency-Key": "tap-1"}

    first = ada.post(url, body, headers=key).json()
    retry = ada.post(url, body, headers=key).json()

    assert (first["reward"]["xp"] > 0, retry["replayed"]) == (True, True)
    answer_events = XPEvent.objects.filter(user=learner, reason="answer")
    assert list(answer_events.values_list("source_id", flat=True)) == [first["attempt"]]
    assert xp_verify() == []


def test_xp_verify_finds_a_tampered_standing_and_fix_repairs_it(learner: User) -> None:
    grant(learner, 120)
    Standing.objects.filter(user=learner).update(xp=999, level=7)

    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("xp_verify", stdout=out)

    assert exit_.value.code == 1
    assert f"user {learner.pk}: standing 999 XP, ledger 120 XP" in out.getvalue()
    assert "1 differences (run with --fix)" in out.getvalue()

    fixed = StringIO()
    call_command("xp_verify", "--fix", stdout=fixed)

    assert "1 standings repaired" in fixed.getvalue()
    standing = Standing.objects.get(user=learner)
    assert (standing.xp, standing.level) == (120, 2)
    again = StringIO()
    call_command("xp_verify", stdout=again)
    assert "0 differences" in again.getvalue()


def test_xp_verify_also_finds_xp_with_no_standing_and_a_standing_with_no_ledger() -> None:
    ledger_only, standing_only = UserFactory(), UserFactory()
    XPEvent.objects.create(
        user=ledger_only, amount=40, reason="answer", source_type="attempt", source_id=1
    )
    Standing.objects.create(user=standing_only, xp=15)

    found = {(d.user_id, d.standing_xp, d.ledger_xp) for d in xp_verify()}

    assert found == {(ledger_only.pk, 0, 40), (standing_only.pk, 15, 0)}
    xp_verify(fix=True)
    assert xp_verify() == []
    assert Standing.objects.get(user=ledger_only).xp == 40


def test_the_level_curve_starts_at_level_1_with_steps_that_grow() -> None:
    starts = [xp_for_level(level) for level in range(1, 8)]
    steps = [b - a for a, b in pairwise(starts)]

    assert starts == [0, 100, 250, 450, 700, 1000, 1350]
    assert steps == [100, 150, 200, 250, 300, 350]
    assert [level_for(xp) for xp in (0, 99, 100, 249, 250, 1349, 1350)] == [1, 1, 2, 2, 3, 6, 7]
    assert progress_in_level(120) == (20, 150)
    with pytest.raises(ValueError, match="Levels start at 1"):
        xp_for_level(0)


def test_an_answer_that_crosses_a_level_says_so_in_its_reward(
    learner: User, client_for: Callable[[User], APIClient]
) -> None:
    grant(learner, 95)  # 5 XP short of level 2
    ada = client_for(learner)
    session_id = start_lesson(ada, numeric_lesson(exercises=3))

    first = answer(ada, session_id)
    second = answer(ada, session_id)

    assert (first["reward"]["leveled_up"], first["reward"]["level"]) == (True, 2)
    assert (second["reward"]["leveled_up"], second["reward"]["level"]) == (False, 2)
    assert Standing.objects.get(user=learner).level == 2
