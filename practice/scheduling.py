"""Spaced repetition with FSRS (py-fsrs), and the rating an answer earns."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from fsrs import Card, Rating, Scheduler

# Beyond this a fact is not fluent yet, even when right (the math-facts design's 6 s).
SLOW_MS = 6000
FAST_MS = 3000


@lru_cache(maxsize=1)
def scheduler() -> Scheduler:
    # Fuzzing spreads reviews of many cards learnt together; it is deterministic per card id.
    return Scheduler(desired_retention=0.9, enable_fuzzing=False)


def rating_for(*, correct: bool, hints_used: int, response_ms: int, timed: bool) -> Rating:
    """Wrong → Again; right with hints or slowly → Hard; right → Good; right and fast → Easy."""
    if not correct:
        return Rating.Again
    if hints_used:
        return Rating.Hard
    if timed and response_ms > SLOW_MS:
        return Rating.Hard
    if timed and response_ms <= FAST_MS:
        return Rating.Easy
    return Rating.Good


def review(
    card_data: dict[str, Any], *, rating: Rating, at: datetime, card_id: int
) -> tuple[dict[str, Any], datetime]:
    """Review the stored card; return the new card and when it is due."""
    card = Card.from_dict(card_data) if card_data else Card(card_id=card_id, due=at)
    reviewed, _log = scheduler().review_card(card, rating, review_datetime=at)
    return reviewed.to_dict(), reviewed.due
