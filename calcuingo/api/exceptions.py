"""One error format for every 4xx: `{type, errors: [{code, detail, attr}]}`.

drf-standardized-errors does the formatting (and documents it in the OpenAPI schema); this handler
only teaches it the project's `ApplicationError` and Django's model `ValidationError`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions, status

from calcuingo.exceptions import ApplicationError


class DomainError(exceptions.APIException):
    """An `ApplicationError` dressed as a DRF exception with its own status."""

    def __init__(self, error: ApplicationError) -> None:
        super().__init__(detail=error.message, code=error.code)
        self.status_code = error.status


class CalcuingoExceptionHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, ApplicationError):
            if exc.status == status.HTTP_400_BAD_REQUEST:
                detail: Any = {exc.field: [exc.message]} if exc.field else [exc.message]
                return exceptions.ValidationError(detail=detail, code=exc.code)
            return DomainError(exc)
        if isinstance(exc, OverflowError) or (
            isinstance(exc, DataError) and "out of range" in str(exc)
        ):
            # A number no column can hold (an id of 40 digits) reached the database: the request
            # is malformed, not the server broken (SQLite raises OverflowError, PostgreSQL a
            # DataError). The transaction it happened in is rolled back as for any exception.
            return exceptions.ValidationError(
                detail=["A value is out of range."], code="out_of_range"
            )
        if isinstance(exc, DjangoValidationError):
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            return exceptions.ValidationError(detail=detail)
        return super().convert_known_exceptions(exc)
