"""One error format for every 4xx: `{type, errors: [{code, detail, attr}]}`.

drf-standardized-errors does the formatting (and documents it in the OpenAPI schema); this module
only teaches it the project's `ApplicationError` and Django's model `ValidationError`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_standardized_errors.handler import exception_handler as standardized_handler
from rest_framework import exceptions, status
from rest_framework.response import Response

from calcuingo.exceptions import ApplicationError


class _DomainError(exceptions.APIException):
    """An `ApplicationError` dressed as a DRF exception with its own status."""

    def __init__(self, error: ApplicationError) -> None:
        super().__init__(detail=error.message, code=error.code)
        self.status_code = error.status


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        if exc.status == status.HTTP_400_BAD_REQUEST:
            detail: Any = {exc.field: [exc.message]} if exc.field else [exc.message]
            exc = exceptions.ValidationError(detail=detail, code=exc.code)
        else:
            exc = _DomainError(exc)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    return standardized_handler(exc, context)
