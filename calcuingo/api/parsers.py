"""DRF's parsers, answering hostile bodies with a 400 instead of a server error.

A JSON document nested a thousand levels deep exhausts the decoder's recursion (RecursionError is
not a ValueError, so DRF let it through as a 500); a form of more than
`DATA_UPLOAD_MAX_NUMBER_FIELDS` fields raises Django's `TooManyFieldsSent`, a "suspicious
operation" that the API's exception handler reported as a 500 too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from rest_framework import exceptions, parsers, status


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def _refuse(error: Exception) -> exceptions.APIException:
    if isinstance(error, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(error, TooManyFilesSent):
        return exceptions.ParseError("Too many files in one request.")
    return exceptions.ParseError(
        "Too many fields in one request: send fewer than the server's limit."
    )


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError(
                "JSON parse error - the document is nested too deeply."
            ) from error


class FormParser(parsers.FormParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except (TooManyFieldsSent, TooManyFilesSent, RequestDataTooBig) as error:
            raise _refuse(error) from error


class MultiPartParser(parsers.MultiPartParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except (TooManyFieldsSent, TooManyFilesSent, RequestDataTooBig) as error:
            raise _refuse(error) from error
