"""The answer hot path under load: answers per second for a learner with a long history.

`make bench` runs it (against PostgreSQL when DATABASE_URL is set). It reports and asserts
nothing about speed: a number to compare between commits on one machine, not a pass mark.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from practice.models import Attempt
from practice.services import answer_submit, session_start
from tests.accounts.factories import UserFactory
from tests.practice.builders import (
    current,
    fact_track,
    facts_of,
    give_history,
    right_answer,
    times_table,
    wrong_answer,
)

HISTORY = 5000
ANSWERS = 200
MAX_SECONDS = 6.0  # stop early on a slow machine: the whole run stays under 30 s


@pytest.mark.django_db
def test_answers_per_second_for_a_learner_with_a_long_history(capsys: Any) -> None:
    learner = UserFactory(username="bench")
    track = fact_track(times_table(12))
    give_history(learner, facts_of(track)[:100], attempts=HISTORY)
    drill = session_start(user=learner, mode="drill", track=track, seconds=3600)
    answers = queries = 0
    answering = 0.0

    started = time.perf_counter()
    while answers < ANSWERS and time.perf_counter() - started < MAX_SECONDS:
        drill.refresh_from_db()
        if drill.current_item() is None:  # a drill plans 200 questions: start the next one
            drill = session_start(user=learner, mode="drill", track=track, seconds=3600)
        exercise, seed = current(drill)
        # Three in four right, like a learner at work; speed varies, so the fluency moves.
        response = right_answer(exercise, seed) if answers % 4 else wrong_answer(exercise)
        tick = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            answer_submit(
                user=learner,
                session=drill,
                exercise_id=exercise.pk,
                response=response,
                response_ms=800 + (answers * 37) % 5000,
            )
        answering += time.perf_counter() - tick
        queries += len(captured)
        answers += 1

    assert Attempt.objects.filter(user=learner).count() == HISTORY + answers
    with capsys.disabled():
        print(
            f"\nanswer_submit ({connection.vendor}), learner with {HISTORY} past answers: "
            f"{answers} answers in {answering:.2f} s = {answers / answering:.0f} answers/s, "
            f"{answering / answers * 1000:.1f} ms and {queries / answers:.1f} queries per answer"
        )
