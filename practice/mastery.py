"""Mastery and fluency from a learner's recent answers: pure code.

The math-facts design: a fact is *accurate* before it is *fluent*, and fluent when it is both
right and fast (under 6 s, then under 3 s, then automatic). Calculus exercises have no speed
target, so for them mastery comes from accuracy alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

RECENT_WINDOW = 5


class RecentAttempt(TypedDict):
    correct: bool
    ms: int


@dataclass(frozen=True)
class Mastery:
    value: float
    fluency_level: str


# (minimum mastery, level), highest first; the levels of `FluencyLevel`.
LEVELS = (
    (1.0, "mastered"),
    (0.8, "fluency_3s"),
    (0.6, "fluency_6s"),
    (0.4, "accuracy"),
    (0.2, "learning"),
)


def fluency_for(mastery: float) -> str:
    for threshold, level in LEVELS:
        if mastery >= threshold:
            return level
    return "not_started" if mastery == 0 else "learning"


def assess(recent: list[RecentAttempt], *, timed: bool) -> Mastery:
    """Mastery 0–1 from the last answers (at most five), and its fluency level.

    Accuracy is over the window; speed is the average time of its right answers. Untimed
    exercises count as fast. A single lucky answer is not mastery: reaching the top levels
    needs a full window, so mastery grows with practice, not with one guess.
    """
    if not recent:
        return Mastery(0.0, "not_started")
    right = [a for a in recent if a["correct"]]
    if not right:
        return Mastery(0.1, "learning")
    accuracy = len(right) / len(recent)
    speed_ms = sum(a["ms"] for a in right) / len(right) if timed else 0
    full = len(recent) >= RECENT_WINDOW
    if full and accuracy > 0.95 and speed_ms < 2000:
        value = 1.0
    elif len(recent) >= 3 and accuracy > 0.9 and speed_ms < 3000:
        value = 0.8
    elif len(recent) >= 2 and accuracy > 0.85 and speed_ms < 6000:
        value = 0.6
    elif accuracy > 0.75:
        value = 0.4
    elif accuracy > 0.5:
        value = 0.2
    else:
        value = 0.1
    return Mastery(value, fluency_for(value))


def push_recent(recent: list[RecentAttempt], *, correct: bool, ms: int) -> list[RecentAttempt]:
    latest: RecentAttempt = {"correct": correct, "ms": ms}
    return [*recent, latest][-RECENT_WINDOW:]
