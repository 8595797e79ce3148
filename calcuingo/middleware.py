"""Project middleware: a cap on request bodies, and the Content-Security-Policy of every page."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def body_limit(request: HttpRequest) -> int:
    """The largest body this request may carry, in bytes.

    Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` only guards `request.body` and form parsing; DRF's JSON
    parser reads the stream itself and would take any size. File uploads (multipart forms: the
    admin's imports) get their own, larger cap.
    """
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/"):
        return int(settings.MAX_UPLOAD_BYTES)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or settings.MAX_UPLOAD_BYTES)


class RequestBodyLimitMiddleware:
    """Refuse a body over the limit with 413 from its Content-Length, before reading a byte.

    A body without a Content-Length is never read past zero by Django's WSGI request (its stream
    is limited to the declared length), so the declared length is the whole story.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length, limit = _content_length(request), body_limit(request)
        if length > limit:
            return self.too_large(request, limit)
        return self.get_response(request)

    @staticmethod
    def too_large(request: HttpRequest, limit: int) -> HttpResponse:
        # (No `Connection: close`: WSGI leaves hop-by-hop headers to the server, which discards
        # or drops the unread body itself.)
        detail = f"The request body is too large: at most {limit} bytes are accepted."
        if request.path.startswith(API_PREFIX):
            body = {
                "type": "client_error",
                "errors": [{"code": "request_too_large", "detail": detail, "attr": None}],
            }
            return JsonResponse(body, status=413)
        return HttpResponse(detail, status=413, content_type="text/plain")


# --- Content-Security-Policy -----------------------------------------------------------------
def csp_header(nonce: str) -> str:
    """The policy: only our own scripts and styles (vendored under static/), plus nonced ones.

    Style *attributes* stay allowed (`style-src-attr`): templates set CSS custom properties on
    elements (`--track-colour`), which no nonce can cover; `<style>` elements need the nonce.
    Forms may post to GitHub's login (the OAuth redirect after our form counts as its target).
    """
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
        f"style-src-elem 'self' 'nonce-{nonce}'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self' https://github.com",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware:
    """Send the policy on every response; `request.csp_nonce` marks our own inline elements.

    Templates write `nonce="{{ request.csp_nonce }}"` on an inline `<script>` or `<style>` they
    cannot avoid (the API docs, htmx's indicator style).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if getattr(settings, "CSP_ENABLED", True):
            response.headers.setdefault("Content-Security-Policy", csp_header(nonce))
        return response
