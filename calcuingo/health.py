"""`/health/`: is the site able to serve? Database, cache and broker, each named."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import TypedDict

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from calcuingo.celery import app as celery_app

logger = logging.getLogger(__name__)


class CheckResult(TypedDict):
    status: str
    backend: str
    ms: float
    error: str


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return str(connection.vendor)


def _check_cache() -> str:
    backend: str = settings.CACHES["default"]["BACKEND"]
    if backend.startswith("django_redis"):
        # The cache API swallows Redis errors on purpose (outages degrade to misses); ask directly.
        from django_redis import get_redis_connection

        get_redis_connection("default").ping()
        return "redis"
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "ok", 5)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)
    return backend.rsplit(".", 1)[-1]


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager (tasks run in-process)"
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return str(celery_app.conf.broker_url).split("://", 1)[0]


CHECKS: dict[str, Callable[[], str]] = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
}


def run_checks() -> dict[str, CheckResult]:
    results: dict[str, CheckResult] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            backend = check()
        except Exception as exc:  # noqa: BLE001 - any failure means "down", and is reported
            logger.warning("health check %s failed: %s", name, exc)
            results[name] = {"status": "down", "backend": "", "ms": 0.0, "error": str(exc)[:200]}
            continue
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        results[name] = {"status": "ok", "backend": backend, "ms": elapsed, "error": ""}
    return results


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    results = run_checks()
    down = [name for name, result in results.items() if result["status"] != "ok"]
    body = {"status": "down" if down else "ok", "down": down, "checks": results}
    return JsonResponse(body, status=503 if down else 200)
