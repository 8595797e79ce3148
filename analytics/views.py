"""The learner's Stats page and quiz review, and a parent's dashboard of linked children.

Every page needs a signed-in user and reads in a fixed number of queries, whatever the history.
Another learner's quiz, or a learner not linked to this parent, is never shown (a 404).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import User
from accounts.selectors import linked_learners
from calcuingo import cache

from . import presenters, selectors


class LearnerRequest(HttpRequest):
    """What `login_required` views receive: a signed-in user."""

    user: User


@login_required
@require_GET
def stats(request: LearnerRequest) -> HttpResponse:
    """Her days over 7, 30 or 90 days as charts, accuracy by operation and track, fluency,
    and her finished quizzes."""
    user = request.user
    form = presenters.RangeForm(request.GET)
    days = form.days_chosen()
    end = selectors.local_today(user, timezone.now())
    start = end - timedelta(days=days - 1)
    learner_stats = cache.cached(
        cache.stats_key(user.pk, start, end),
        cache.STATS_TTL,
        lambda: selectors.learner_stats(user=user, start=start, end=end),
    )
    quizzes = Paginator(selectors.finished_quizzes(user=user), presenters.QUIZZES_PER_PAGE)
    quiz_page = quizzes.get_page(request.GET.get("page"))
    page = presenters.StatsPage(
        days=days,
        start=start,
        end=end,
        form=presenters.RangeForm(initial={"days": days}),
        charts=presenters.day_charts(learner_stats["days"], prefix="stats"),
        totals=presenters.totals_of(learner_stats["totals"]),
        operations=presenters.operation_lines(selectors.fact_accuracy_by_operation(user=user)),
        tracks=presenters.track_lines(
            selectors.tracks_of_learners(user_ids=[user.pk]).get(user.pk, [])
        ),
        fluency=presenters.fluency_lines(selectors.facts_by_fluency(user=user)),
        quizzes=quiz_page,
        quiz_lines=[presenters.quiz_line(session) for session in quiz_page.object_list],
    )
    return render(request, "analytics/stats.html", {"page": page})


@login_required
@require_GET
def quiz(request: LearnerRequest, pk: int) -> HttpResponse:
    """One of her finished quizzes, answer by answer."""
    session = selectors.finished_quiz_get(user=request.user, session_id=pk)
    review = presenters.quiz_review(
        session=session, attempts=selectors.quiz_answers(session=session)
    )
    return render(request, "analytics/quiz.html", {"review": review})


def _summaries(learners: list[User]) -> dict[int, selectors.ChildSummary]:
    """The children's summaries under the API's cache keys, the missing ones computed together."""
    now = timezone.now()
    by_id = {learner.pk: learner for learner in learners}
    today = {learner.pk: selectors.local_today(learner, now) for learner in learners}
    return cache.cached_many(
        cache.child_summary_keys(list(by_id), today),
        cache.STATS_TTL,
        lambda missing: selectors.children_summaries(
            learners=[by_id[pk] for pk in missing], now=now
        ),
    )


@login_required
@require_GET
def children(request: LearnerRequest) -> HttpResponse:
    """Each linked learner: today, this week as charts, streak, tracks, recent sessions."""
    learners = list(linked_learners(parent=request.user))
    cards: list[presenters.ChildCard] = []
    if learners:
        summaries = _summaries(learners)
        week = selectors.days_of_learners(
            learners=learners,
            start={pk: summary["week_starts_on"] for pk, summary in summaries.items()},
            end={pk: summary["today"]["date"] for pk, summary in summaries.items()},
        )
        tracks = selectors.tracks_of_learners(user_ids=[learner.pk for learner in learners])
        cards = [
            presenters.child_card(
                learner=learner,
                summary=summaries[learner.pk],
                week=week[learner.pk],
                tracks=tracks.get(learner.pk, []),
            )
            for learner in learners
        ]
    is_parent = request.user.role == User.Role.PARENT or bool(learners)
    return render(request, "analytics/children.html", {"cards": cards, "is_parent": is_parent})
