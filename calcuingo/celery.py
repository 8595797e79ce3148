"""The Celery application; configuration lives in settings under the CELERY_ namespace."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calcuingo.settings")

app = Celery("calcuingo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# --- Task policy shared by every app's tasks ------------------------------------------------
# Failures that a later try can outlive (the database or Redis briefly away); a bug is not retried.
from django.db import InterfaceError, OperationalError  # noqa: E402
from redis.exceptions import ConnectionError as RedisConnectionError  # noqa: E402
from redis.exceptions import TimeoutError as RedisTimeoutError  # noqa: E402

TRANSIENT_ERRORS = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
RETRY: dict[str, Any] = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}
# For tasks that may safely run twice: acknowledged only once done, requeued if a worker dies.
IDEMPOTENT: dict[str, Any] = {**RETRY, "acks_late": True, "reject_on_worker_lost": True}
