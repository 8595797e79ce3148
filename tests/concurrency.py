"""Run work from many threads at once, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connection

WORKERS = 16
T = TypeVar("T")
R = TypeVar("R")


def race(work: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """Run `work` on every item from a pool of threads that start together.

    Sixteen threads: Django's PostgreSQL pool holds twenty connections, so they never wait for
    one; each thread closes its connection when done.
    """
    items = list(items)
    gate = threading.Barrier(min(WORKERS, len(items)))
    started: set[int] = set()
    lock = threading.Lock()

    def run(item: T) -> R:
        try:
            with lock:
                first_round = threading.get_ident() not in started
                started.add(threading.get_ident())
            if first_round:
                gate.wait(timeout=10)
            return work(item)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(run, items))
