"""The program that runs INSIDE the sandbox (never imported by the host to do its work).

The host passes this file's text to the sandbox's Python (``python3 -I -S -B -c <text>``) and
a JSON payload on standard input, then reads one JSON object per line from this program's
standard output. Only the standard library is used: the sandbox sees /usr and nothing else.

Two modes:

``solve``
    Writes the learner's code to the sandbox's private tmpfs and imports it from there (so its
    tracebacks have line numbers), then runs every test: calls the ``entry`` function with the
    test's arguments, or runs the whole file as a script with the test's standard input. Each
    test reports the value (made JSON: tuples become lists, fractions and decimals floats),
    what the code printed (capped) and the time taken, or an error with the learner's own
    frames only. No expected value is ever sent here: the host compares.
``check``
    Evaluates authors' checking expressions against values learners' code returned earlier
    (JSON only: no learner code is loaded in this mode), one small module per expression.

Learner code shares this process and could write to the report stream; that cannot help it:
every judgement is made on the host or in a ``check`` run, which holds no learner code.
"""

from __future__ import annotations

import io
import json
import os
import resource
import sys
import time

# Start-up is paid on every run: nothing is imported that a run may not need (typing,
# importlib.util, traceback, fractions and decimal cost more than the rest together).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

SOLUTION_PATH = "/tmp/solution.py"  # noqa: S108 (the sandbox's private tmpfs)
SHOWN_NAME = "solution.py"


class OutputLimitExceeded(BaseException):
    """Printed more than the output limit (a BaseException, so ``except Exception`` lets it by)."""


class CappedWriter(io.TextIOBase):
    """A stdout that keeps the first ``keep`` characters and stops the program past ``limit``."""

    def __init__(self, keep: int, limit: int) -> None:
        self.keep = keep
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.total = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.total += len(text)
        if self.kept < self.keep:
            piece = text[: self.keep - self.kept]
            self.parts.append(piece)
            self.kept += len(piece)
        if self.total > self.limit:
            raise OutputLimitExceeded
        return len(text)

    def text(self) -> str:
        return "".join(self.parts)

    @property
    def truncated(self) -> bool:
        return self.total > self.kept


def to_json(value: Any, depth: int = 0) -> Any:
    """The learner's value as JSON, or TypeError naming what could not be compared."""
    if depth > 50:
        raise TypeError("a value nested more than 50 levels deep")
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        if abs(value) > 10**4000:
            raise TypeError("an integer with more than 4000 digits")
        return value
    if isinstance(value, float):
        return value
    # A Fraction or Decimal can only come from code that imported its module.
    exact = tuple(
        getattr(sys.modules[name], cls)
        for name, cls in (("fractions", "Fraction"), ("decimal", "Decimal"))
        if name in sys.modules
    )
    if exact and isinstance(value, exact):
        return int(value) if value == int(value) else float(value)
    if isinstance(value, list | tuple):
        return [to_json(item, depth + 1) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("a dict whose keys are not all strings")
        return {key: to_json(item, depth + 1) for key, item in value.items()}
    raise TypeError(f"a value of type {type(value).__name__}")


def learner_traceback(error: BaseException) -> str:
    """The exception with the learner's own frames only (no harness, no standard library)."""
    import traceback

    if isinstance(error, SyntaxError) and error.filename == SOLUTION_PATH:
        error.filename = SHOWN_NAME
        return "".join(traceback.format_exception_only(error)).rstrip()
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename == SOLUTION_PATH
    ]
    for frame in frames:
        frame.filename = SHOWN_NAME
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines += traceback.StackSummary.from_list(frames).format()
    lines += traceback.format_exception_only(error)
    return "".join(lines).rstrip()


def describe_failure(error: BaseException, memory_mb: int) -> tuple[str, str]:
    """(kind, message) for an error raised while the learner's code ran."""
    if isinstance(error, OutputLimitExceeded):
        return "output", "Your code printed too much output (the limit was reached)."
    if isinstance(error, MemoryError):
        return "memory", f"Your code ran out of memory (the limit is {memory_mb} MB)."
    if isinstance(error, RecursionError):
        return "exception", learner_traceback(error) + "\n(Too deep recursion.)"
    return "exception", learner_traceback(error)


def peak_kb() -> int:
    """The largest resident set of this process or any it has waited for, in KB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


class Reporter:
    def __init__(self, fd: int) -> None:
        self.stream = os.fdopen(fd, "w", encoding="utf-8", errors="replace", closefd=False)

    def send(self, **event: Any) -> None:
        try:
            line = json.dumps(event, allow_nan=True)
        except (TypeError, ValueError):
            line = json.dumps(
                {
                    "event": event.get("event"),
                    "index": event.get("index"),
                    "ok": False,
                    "kind": "unserializable",
                    "error": "The value your code returned could not be reported.",
                }
            )
        self.stream.write(line + "\n")
        self.stream.flush()


def load_module(name: str) -> ModuleType:
    """Import /tmp/<name>.py through the ordinary import system (already loaded at start-up)."""
    sys.modules.pop(name, None)
    sys.path_importer_cache.clear()  # the file may be newer than the finder's view of /tmp
    return __import__(name)


def solve(payload: dict[str, Any], report: Reporter) -> None:
    keep, limit = int(payload["output_keep"]), int(payload["output_limit"])
    memory_mb = int(payload["memory_mb"])
    entry: str | None = payload["entry"]
    with open(SOLUTION_PATH, "w", encoding="utf-8") as handle:
        handle.write(payload["source"])
    sys.argv = [SHOWN_NAME]
    function = None
    if entry is not None:
        captured = CappedWriter(keep, limit)
        sys.stdout = sys.stderr = captured
        sys.stdin = io.StringIO("")
        try:
            module = load_module("solution")
            function = getattr(module, entry, None)
        except BaseException as error:  # noqa: BLE001 (anything the learner's module raises)
            kind, message = describe_failure(error, memory_mb)
            if isinstance(error, SystemExit):
                kind, message = "exception", "Your code called exit() while it was loaded."
            report.send(event="load_error", kind=kind, error=message)
            return
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        if not callable(function):
            report.send(
                event="load_error",
                kind="entry",
                error=f"Your code must define a function named {entry}.",
            )
            return
    report.send(event="ready")
    for index, test in enumerate(payload["tests"]):
        captured = CappedWriter(keep, limit)
        sys.stdout = sys.stderr = captured
        sys.stdin = io.StringIO(test.get("stdin", ""))
        started = time.perf_counter()
        outcome: dict[str, Any]
        try:
            if function is not None:
                value = function(*json.loads(json.dumps(test.get("args", []))))
            else:
                import runpy

                runpy.run_path(SOLUTION_PATH, run_name="__main__")
                value = None
            elapsed = (time.perf_counter() - started) * 1000
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            if function is None:
                outcome = {"ok": True, "value": captured.text()}
            else:
                try:
                    outcome = {"ok": True, "value": to_json(value)}
                except TypeError as problem:
                    outcome = {
                        "ok": False,
                        "kind": "unserializable",
                        "error": f"Your function returned {problem}; return a number, "
                        "a string, a list or a dict.",
                    }
        except SystemExit as stop:
            elapsed = (time.perf_counter() - started) * 1000
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            if function is None and stop.code in (None, 0):
                outcome = {"ok": True, "value": captured.text()}
            else:
                outcome = {
                    "ok": False,
                    "kind": "exception",
                    "error": f"Your code called exit({stop.code!r}).",
                }
        except BaseException as error:  # noqa: BLE001 (anything the learner's code raises)
            elapsed = (time.perf_counter() - started) * 1000
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            kind, message = describe_failure(error, memory_mb)
            outcome = {"ok": False, "kind": kind, "error": message}
        report.send(
            event="test",
            peak_kb=peak_kb(),
            index=index,
            time_ms=round(elapsed, 3),
            stdout=captured.text(),
            stdout_truncated=captured.truncated,
            **outcome,
        )


CHECK_TEMPLATE = (
    "import math\n\n\ndef check(result, args, stdin):\n    return (\n{expression}\n    )\n"
)


def check(payload: dict[str, Any], report: Reporter) -> None:
    for index, item in enumerate(payload["checks"]):
        path = f"/tmp/check_{index}.py"  # noqa: S108 (the sandbox's private tmpfs)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(CHECK_TEMPLATE.format(expression=item["expression"]))
        sys.stdout = sys.stderr = CappedWriter(0, 1 << 20)
        try:
            module = load_module(f"check_{index}")
            passed = bool(module.check(item["result"], item["args"], item["stdin"]))
            report.send(event="check", index=index, passed=passed, error=None)
        except BaseException as error:  # noqa: BLE001 (an author's expression may raise anything)
            import traceback

            message = "".join(traceback.format_exception_only(error)).strip()
            report.send(event="check", index=index, passed=False, error=message)
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__


def main() -> None:
    # The report stream is a private copy of stdout; fds 1 and 2 then point at /dev/null, so
    # what the learner writes straight to them is dropped rather than mixed into the report.
    report = Reporter(os.dup(1))
    payload = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
    sys.stdin = io.StringIO("")
    sys.path[:0] = ["/tmp"]  # noqa: S108 (where the code to run is written)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 2000))
    try:
        if payload["mode"] == "solve":
            solve(payload, report)
        else:
            check(payload, report)
    except BaseException as error:  # noqa: BLE001 (the harness reports its own failures)
        report.send(event="crash", error=f"{type(error).__name__}: {error}")
    report.send(event="done", peak_kb=peak_kb())
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
