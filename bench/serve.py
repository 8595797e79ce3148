"""gunicorn with two workers, and learners answering through HTTP against it.

The load: `concurrency` threads, each a learner with her own API token, each sending her next
request as soon as the last one answered (a closed loop, so throughput is what the server
gives). Rounds alternate between the answer endpoint and the framework floor, so that a
machine that slows down during the run slows both alike.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`gunicorn calcuingo.wsgi` on 127.0.0.1 with the bench settings (2 sync workers)."""

    def __init__(self, env: dict[str, str], workers: int = 2) -> None:
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None
        from bench.report import RESULTS

        self.log = RESULTS / "gunicorn.log"

    def __enter__(self) -> Server:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                [
                    str(gunicorn),
                    "calcuingo.wsgi:application",
                    "--workers",
                    str(self.workers),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--backlog",
                    "256",
                    "--timeout",
                    "60",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                status, _ = request(self.port, "GET", "/health/")
                if status < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def request(
    port: int,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    token: str = "",
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, Any]:
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept": "application/json"}
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.will_close or connection is None:
        conn.close()
    try:
        parsed = json.loads(data) if data else None
    except ValueError:
        parsed = None
    return response.status, parsed


@dataclass
class RoundResult:
    endpoint: str
    seconds: float
    requests: int
    errors: int
    latencies_ms: list[float] = field(repr=False)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Learner:
    """One HTTP learner: her token, her drill session and the answers she knows."""

    token: str
    track_id: int
    answers: dict[int, str]
    session_id: int | None = None
    exercise_id: int | None = None
    count: int = 0

    def start(self, port: int, conn: http.client.HTTPConnection) -> None:
        status, body = request(
            port,
            "POST",
            "/api/v1/sessions",
            {"mode": "drill", "track": self.track_id, "seconds": 3600},
            self.token,
            conn,
        )
        if status != 201 or not body or not body.get("current"):
            raise RuntimeError(f"a drill could not start: {status} {body}")
        self.session_id = body["id"]
        self.exercise_id = body["current"]["id"]

    def answer(self, port: int, conn: http.client.HTTPConnection) -> int:
        """One answer (three in four right); returns the HTTP status."""
        if self.session_id is None or self.exercise_id is None:
            self.start(port, conn)
        assert self.exercise_id is not None
        self.count += 1
        right = self.count % 4 != 0
        response = self.answers.get(self.exercise_id, "0") if right else "-987654"
        status, body = request(
            port,
            "POST",
            f"/api/v1/sessions/{self.session_id}/answers",
            {
                "exercise": self.exercise_id,
                "response": response,
                "response_ms": 800 + (self.count * 37) % 5000,
            },
            self.token,
            conn,
        )
        current = (body or {}).get("session", {}).get("current") if status < 300 else None
        if current:
            self.exercise_id = current["id"]
        else:  # the drill is over (or the answer was refused): the next call starts another
            self.session_id = self.exercise_id = None
        return status

    def floor(self, port: int, conn: http.client.HTTPConnection) -> int:
        self.count += 1
        status, _ = request(port, "POST", "/bench/floor", {"value": 1}, self.token, conn)
        return status


def run_round(port: int, learners: list[Learner], endpoint: str, seconds: float) -> RoundResult:
    """All learners in a closed loop on one endpoint for `seconds`."""
    latencies: list[list[float]] = [[] for _ in learners]
    errors = [0] * len(learners)
    stop = time.perf_counter() + 3600.0  # set when every learner is ready
    barrier = threading.Barrier(len(learners) + 1)

    # Sessions start before the clock does; a learner who cannot start stops the bench.
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=60) for _ in learners]
    if endpoint == "answer":
        for learner, conn in zip(learners, connections, strict=True):
            if learner.session_id is None:
                learner.start(port, conn)

    def work(index: int) -> None:
        learner = learners[index]
        conn = connections[index]
        call = learner.answer if endpoint == "answer" else learner.floor
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            return
        while time.perf_counter() < stop:
            tick = time.perf_counter()
            try:
                status = call(port, conn)
            except (OSError, http.client.HTTPException, RuntimeError):
                conn.close()
                status = 599
            if status >= 400:
                errors[index] += 1
                continue
            latencies[index].append((time.perf_counter() - tick) * 1000)
        conn.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(learners))]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=30)
    began = time.perf_counter()
    stop = began + seconds
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    pooled = [value for per in latencies for value in per]
    return RoundResult(endpoint, elapsed, len(pooled), sum(errors), pooled)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def alternate(
    port: int, learners: list[Learner], *, rounds: int, seconds: float, warmup: float = 2.0
) -> dict[str, Any]:
    """Answer and floor rounds in turn; medians of the rounds' throughput, pooled percentiles."""
    run_round(port, learners, "floor", warmup)
    run_round(port, learners, "answer", warmup)
    results: dict[str, list[RoundResult]] = {"answer": [], "floor": []}
    for _ in range(rounds):
        for endpoint in ("answer", "floor"):
            results[endpoint].append(run_round(port, learners, endpoint, seconds))
    summary: dict[str, Any] = {}
    for endpoint, runs in results.items():
        pooled = [value for run in runs for value in run.latencies_ms]
        summary[endpoint] = {
            "requests_per_second": round(statistics.median(run.throughput for run in runs), 1),
            "rounds_per_second": [round(run.throughput, 1) for run in runs],
            "p50_ms": round(percentile(pooled, 0.50), 1),
            "p99_ms": round(percentile(pooled, 0.99), 1),
            "requests": sum(run.requests for run in runs),
            "errors": sum(run.errors for run in runs),
        }
    floor = summary["floor"]["requests_per_second"]
    summary["ratio"] = round(summary["answer"]["requests_per_second"] / floor, 3) if floor else None
    summary["rounds"] = rounds
    summary["round_seconds"] = seconds
    summary["concurrency"] = len(learners)
    summary["load_average"] = [round(value, 1) for value in os.getloadavg()]
    return summary
