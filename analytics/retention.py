"""Data retention: old learning events become daily counts; old sessions keep only their summary.

* Learning events older than `LEARNING_EVENT_RETENTION_DAYS` are counted into `EventDailyCount`
  (per UTC date and type) and deleted, batch by batch. Counting and deleting one batch is one
  transaction over rows it holds locked, so a retried or concurrent run never counts an event
  twice: either both happened, or neither.
* Sessions that ended more than `SESSION_DETAIL_RETENTION_DAYS` ago are reduced to their summary:
  the plan (the exercise list with its seeds and hint use) is emptied; the counters stay. Their
  attempts are kept on purpose: item analysis (`ExerciseStats`), difficulty calibration and the
  learner's own statistics are computed from them, and `DailySummary` can only be recomputed
  from them. Removing a learner's answers is account deletion's job, not retention's.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TypedDict

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from practice.models import PracticeSession

from .models import EventDailyCount, LearningEvent

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000


class RetentionResult(TypedDict):
    events_aggregated: int
    sessions_reduced: int


def retention_enforce(*, now: datetime | None = None) -> RetentionResult:
    moment = now or timezone.now()
    return {
        "events_aggregated": learning_events_aggregate(
            before=moment - timedelta(days=settings.LEARNING_EVENT_RETENTION_DAYS)
        ),
        "sessions_reduced": sessions_reduce(
            before=moment - timedelta(days=settings.SESSION_DETAIL_RETENTION_DAYS)
        ),
    }


def learning_events_aggregate(*, before: datetime) -> int:
    """Count the events that occurred before `before` into daily counts, then delete them."""
    total = 0
    while done := _events_batch_aggregate(before=before):
        total += done
    if total:
        logger.info("retention: %d learning events aggregated and deleted", total)
    return total


@transaction.atomic
def _events_batch_aggregate(*, before: datetime) -> int:
    # Locked: a concurrent run waits here, and then no longer finds the rows we deleted.
    ids = list(
        LearningEvent.objects.select_for_update()
        .filter(occurred_at__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH_SIZE]
    )
    if not ids:
        return 0
    counts = {
        (row["day"], row["type"]): row["events"]
        for row in LearningEvent.objects.filter(pk__in=ids)
        .annotate(day=TruncDate("occurred_at", tzinfo=UTC))
        .values("day", "type")
        .annotate(events=Count("pk"))
        .order_by()
    }
    LearningEvent.objects.filter(pk__in=ids).delete()
    existing = {
        (row.date, row.type): row.count
        for row in EventDailyCount.objects.select_for_update().filter(
            date__in={day for day, _ in counts}, type__in={kind for _, kind in counts}
        )
    }
    EventDailyCount.objects.bulk_create(
        [
            EventDailyCount(date=day, type=kind, count=existing.get((day, kind), 0) + events)
            for (day, kind), events in counts.items()
        ],
        update_conflicts=True,
        unique_fields=["date", "type"],
        update_fields=["count"],
    )
    return len(ids)


def sessions_reduce(*, before: datetime) -> int:
    """Empty the plan of the sessions that ended before `before`; returns how many."""
    old = PracticeSession.objects.filter(ended_at__lt=before).exclude(plan=[]).order_by("pk")
    total, after = 0, 0
    # Walked by primary key, so each batch is new even if an update matched nothing.
    while ids := list(old.filter(pk__gt=after).values_list("pk", flat=True)[:BATCH_SIZE]):
        total += PracticeSession.objects.filter(pk__in=ids).update(plan=[])
        after = ids[-1]
    if total:
        logger.info("retention: %d sessions reduced to their summary", total)
    return total
