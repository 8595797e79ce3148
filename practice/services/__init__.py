"""Writes on practice: `answers` (the hot path), `sessions` (open, close), `progress` (unlocks)."""

from .adaptive import difficulty_calibrate, next_exercises
from .answers import AnswerResult, answer_lock, answer_record, answer_submit, hint_request
from .sessions import session_finish, session_pause, session_resume, session_start

__all__ = [
    "AnswerResult",
    "answer_lock",
    "answer_record",
    "answer_submit",
    "difficulty_calibrate",
    "hint_request",
    "next_exercises",
    "session_finish",
    "session_pause",
    "session_resume",
    "session_start",
]
