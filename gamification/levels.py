"""The level curve: level 1 at 0 XP, and each level needs 50 XP more than the one before.

XP needed to reach level L is 25·(L−1)·(L+2): 0, 100, 250, 450, 700, 1000, … — steps of 100, 150,
200, 250, … so early levels come quickly and later ones mean real practice.
"""

from __future__ import annotations

MAX_LEVEL = 999


def xp_for_level(level: int) -> int:
    """Total XP at which `level` begins."""
    if level < 1:
        raise ValueError("Levels start at 1.")
    return 25 * (level - 1) * (level + 2)


def level_for(xp: int) -> int:
    """The level a learner with this much XP has reached."""
    level = 1
    while level < MAX_LEVEL and xp >= xp_for_level(level + 1):
        level += 1
    return level


def progress_in_level(xp: int) -> tuple[int, int]:
    """(XP earned inside the current level, XP the level spans) — for a progress bar."""
    level = level_for(xp)
    start, end = xp_for_level(level), xp_for_level(min(level + 1, MAX_LEVEL))
    return xp - start, max(1, end - start)
