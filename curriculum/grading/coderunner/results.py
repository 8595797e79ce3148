"""The code runner's typed inputs and results (plain dataclasses, JSON-friendly)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

RunStatus = Literal["passed", "failed", "partial", "timeout", "error"]
# Per test: right; wrong answer; raised (or printed too much, ran out of memory); the run's time
# ran out while this test ran; never reached because an earlier test used up the time.
TestVerdict = Literal["passed", "wrong", "error", "timeout", "not_run"]

UNAVAILABLE_MESSAGE = "The code runner is not installed: apt-get install bubblewrap python3-seccomp"


class RunnerUnavailable(RuntimeError):
    """The sandbox cannot run here (bubblewrap or user namespaces missing): nothing was run."""


@dataclass(frozen=True)
class TestCase:
    """One test of a code exercise.

    Function problems (``entry`` given to ``run_tests``) call ``entry(*args)``; script problems
    (``entry=None``) run the whole file with ``stdin`` as standard input and judge what it
    printed. Judged by ``check`` when given (a Python expression over ``result``, ``args``,
    ``stdin`` and ``math``, evaluated in the sandbox), else by comparison with ``expected``:
    exact, or within ``tolerance`` (absolute and relative) for every number in it.
    """

    __test__ = False  # not a pytest test class

    name: str
    args: tuple[Any, ...] = ()
    stdin: str = ""
    expected: Any = None
    check: str | None = None
    tolerance: float | None = None
    hidden: bool = False
    weight: float = 1.0


@dataclass(frozen=True)
class Limits:
    """What one sandboxed run may use (a submission is one run for its sample tests, one for
    its hidden tests, and one for checking expressions if any)."""

    cpu_seconds: int = 5
    wall_seconds: float = 10.0
    memory_mb: int = 256  # address space (RLIMIT_AS) of each process in the sandbox
    processes: int = 32  # RLIMIT_NPROC, counted per host user (see the package docstring)
    open_files: int = 64
    file_size_kb: int = 1024  # largest file the code may write (in its tmpfs)
    tmpfs_mb: int = 16  # the only writable place, /tmp
    output_kb: int = 64  # printed output kept per test; the run stops a test past 16 times this
    report_kb: int = 2048  # everything the sandbox may send back; beyond it the run is killed
    source_kb: int = 64  # the learner's code

    def __post_init__(self) -> None:
        bounds = {
            "cpu_seconds": (1, 60),
            "wall_seconds": (1, 120),
            "memory_mb": (64, 4096),
            "processes": (4, 1024),
            "open_files": (16, 4096),
            "file_size_kb": (1, 1024 * 1024),
            "tmpfs_mb": (1, 1024),
            "output_kb": (1, 1024),
            "report_kb": (64, 64 * 1024),
            "source_kb": (1, 1024),
        }
        for name, (low, high) in bounds.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"Limits.{name} must be between {low} and {high}, not {value}.")


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class TestResult:
    """One test's outcome. For hidden tests (unless revealed to an author) only ``name``,
    ``hidden``, ``weight``, ``passed`` and ``verdict`` are set: no output, expected value, diff,
    printed text or error message."""

    __test__ = False

    index: int  # position in the tests given to run_tests
    name: str
    hidden: bool
    weight: float
    passed: bool
    verdict: TestVerdict
    output: str | None = None  # what the code returned (JSON) or printed (scripts)
    expected: str | None = None
    diff: str | None = None
    stdout: str | None = None
    error: str | None = None
    time_ms: float | None = None


@dataclass(frozen=True)
class RunResult:
    status: RunStatus
    score: float  # passed weight / total weight, 0..1
    time_ms: float  # the learner's code, summed over tests (sandbox start-up excluded)
    peak_memory_kb: int  # largest resident set of any process in the sandbox
    tests: tuple[TestResult, ...] = field(default_factory=tuple)
    error: str | None = None  # why nothing (or not everything) could be judged

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
