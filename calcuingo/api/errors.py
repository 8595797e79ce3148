"""JSON errors for every URL under `/api/`, even those no API view answers.

DRF views answer their errors through the exception handler (`calcuingo.api.exceptions`). What
never reaches a DRF view — a path no route matches (an unknown endpoint, or an id that is not a
number: `/api/v1/sessions/abc`), or an error Django itself answers (a bad Host header, a crash)
— would get Django's HTML page. The catch-all view and the handlers here answer those, under
`/api/`, in the same shape: `{type, errors: [{code, detail, attr}]}`; elsewhere Django's own pages
stay.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def error_body(*, kind: str, code: str, detail: str, attr: str | None = None) -> dict[str, Any]:
    return {"type": kind, "errors": [{"code": code, "detail": detail, "attr": attr}]}


class NoSuchRouteApi(APIView):
    """Every method on a path under `/api/` that no API view matches: a 404 in the API's shape.

    Open to everyone (an anonymous caller learns nothing from a 404 on a path that does not
    exist) and still throttled like any API request.
    """

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    schema = None  # not an operation: never in the OpenAPI document

    def _not_found(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.NotFound(f"No API endpoint answers {request.path}.")

    get = post = put = patch = delete = head = options = trace = _not_found


def _json_or(
    request: HttpRequest, status: int, code: str, detail: str, kind: str = "client_error"
) -> HttpResponse | None:
    if not is_api(request):
        return None
    return JsonResponse(error_body(kind=kind, code=code, detail=detail), status=status)


def bad_request(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    return _json_or(request, 400, "bad_request", "Bad request.") or defaults.bad_request(
        request, exception, **kwargs
    )


def permission_denied(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    return _json_or(
        request, 403, "permission_denied", "You do not have permission to perform this action."
    ) or defaults.permission_denied(request, exception, **kwargs)


def page_not_found(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    return _json_or(request, 404, "not_found", "Not found.") or defaults.page_not_found(
        request, exception, **kwargs
    )


def server_error(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return _json_or(
        request, 500, "error", "A server error occurred.", kind="server_error"
    ) or defaults.server_error(request, **kwargs)
