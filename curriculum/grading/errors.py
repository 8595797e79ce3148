"""Errors raised for problems in an exercise's *spec* (author mistakes), never for learner input."""

from __future__ import annotations

from collections.abc import Mapping


class SpecError(ValueError):
    """An exercise spec is malformed; `errors` maps spec fields to messages for the admin."""

    def __init__(self, errors: Mapping[str, str] | str, field: str = "spec") -> None:
        self.errors: dict[str, str] = {field: errors} if isinstance(errors, str) else dict(errors)
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.errors.items()))


class TemplateError(SpecError):
    """A `{...}` placeholder or a parameter declaration cannot be rendered."""
