"""A cooperative time budget for SymPy work, per thread (no signals: the tutor runs in threads).

SymPy's rule search (`integral_steps`, `limit`, `simplify`) can run for minutes on a small
input. Inside `time_budget(seconds)` every Python function call in this thread first checks
the clock, and once the budget is spent the call raises `OutOfTime`, a BaseException so that no
`except Exception` in SymPy swallows it. The previous trace function (a debugger, coverage) is
put back afterwards.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

DEFAULT_SECONDS = 4.0


class OutOfTime(BaseException):
    """The tutor's time budget for one piece of work was spent."""


@contextmanager
def time_budget(seconds: float | None = None) -> Iterator[None]:
    """Run the block with at most `seconds` (default DEFAULT_SECONDS) of wall time."""
    deadline = time.monotonic() + (DEFAULT_SECONDS if seconds is None else seconds)
    previous = sys.gettrace()

    def check(frame: FrameType, event: str, arg: Any) -> None:
        if time.monotonic() > deadline:
            raise OutOfTime

    sys.settrace(check)
    try:
        yield
    finally:
        sys.settrace(previous)
