"""The one exception a service raises when a domain rule is broken."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A broken domain rule, shown to the caller as a 4xx with `message` and `extra`.

    `status` is the HTTP status the API answers with (400 unless the rule says otherwise: 403 for a
    forbidden action, 404 for something the caller may not know exists, 409 for a conflict).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        code: str = "invalid",
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field
        self.extra = extra or {}
