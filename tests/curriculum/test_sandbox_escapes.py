"""Learner code that tries to get out of the code runner's sandbox, or to exhaust the host.

Each attempt must end as a clean verdict (passed here means "the attempt found nothing"; an
abuse of resources ends as ``error`` or ``timeout``) within its budget, and leave the host as
it was: no file written, no process left behind. Skipped only where bubblewrap is missing, and
never in CI (CI=true), where a missing sandbox is a failure.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import curriculum.grading.coderunner as runner
from curriculum.grading.coderunner import Limits, RunResult, TestCase, run_tests
from curriculum.grading.coderunner import sandbox as sandbox_module

SANDBOX_PACKAGES_INSTALLED = Path("/usr/bin/bwrap").exists() and any(
    Path("/usr/lib/python3/dist-packages").glob("seccomp*.so")
)
if not SANDBOX_PACKAGES_INSTALLED and os.environ.get("CI") != "true":
    pytest.skip(
        "the code runner's sandbox is not installed: apt-get install bubblewrap python3-seccomp",
        allow_module_level=True,
    )

PROJECT = Path(__file__).resolve().parents[2]
# Small budgets keep the file quick: 2 CPU seconds, 3 seconds of wall clock per run.
TIGHT = Limits(cpu_seconds=2, wall_seconds=3.0, memory_mb=256)
BUDGET_S = TIGHT.wall_seconds + 2.0  # start-up and clean-up included


def _sandbox_processes() -> list[str]:
    """Live processes on the host running as the sandbox's host user (root workers only).

    Zombies are dead already (an exited sandbox's last process waits for its reaper). The
    kernel tears a killed PID namespace down asynchronously: give it a moment.
    """
    if os.geteuid() != 0:
        return []
    ours = sandbox_module.host_uid_block()
    deadline = time.monotonic() + 2.0
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and entry.stat().st_uid in ours:
                    state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                    if state != "Z":
                        found.append(f"{entry.name} {state}: {(entry / 'cmdline').read_bytes()!r}")
            except (FileNotFoundError, ProcessLookupError):
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def _host_left_as_it_was() -> Iterator[None]:
    yield
    assert _sandbox_processes() == [], "a sandboxed process outlived its run"


def attempt(source: str, *, limits: Limits = TIGHT) -> tuple[RunResult, float]:
    """Run ``probe()`` once as a sample test that expects "blocked"; return result and seconds."""
    started = time.monotonic()
    result = run_tests(
        source, [TestCase("probe", expected="blocked")], entry="probe", limits=limits
    )
    return result, time.monotonic() - started


def test_the_host_files_and_the_projects_settings_cannot_be_read() -> None:
    targets = [
        "/etc/passwd",
        "/etc/shadow",
        str(PROJECT / "calcuingo" / "settings.py"),
        str(PROJECT / ".env"),
        str(PROJECT / "db.sqlite3"),
        "/root/.bash_history",
        "/usr/local/bin/pg_ctl",
        "/usr/local/etc",
    ]
    source = f"""
import os
def probe():
    found = []
    for path in {targets!r}:
        try:
            with open(path, "rb") as handle:
                found.append((path, handle.read(200).decode("latin-1")))
        except OSError:
            pass
    found += [(d, os.listdir(d)) for d in ("/etc", "/home", "/root", "/work", "/var")
              if os.path.exists(d)]
    if os.listdir("/usr/local"):
        found.append(("/usr/local", os.listdir("/usr/local")))
    return found or "blocked"
"""
    result, _ = attempt(source)
    assert result.tests[0].output == '"blocked"', result.tests[0].output


def test_only_usr_and_the_sandboxs_own_tmp_are_visible() -> None:
    source = """
import os
def probe():
    return sorted(os.listdir("/"))
"""
    result = run_tests(source, [TestCase("ls", expected=[])], entry="probe", limits=TIGHT)
    assert result.tests[0].output == '["bin", "dev", "lib", "lib64", "proc", "sbin", "tmp", "usr"]'


def test_writing_outside_the_sandbox_leaves_no_file(tmp_path: Path) -> None:
    targets = [tmp_path / "escaped.txt", PROJECT / "escaped.txt", Path("/usr/escaped.txt")]
    source = f"""
import os
def probe():
    written = []
    for path in {[str(t) for t in targets]!r}:
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as handle:
                handle.write("out")
            written.append(path)
        except OSError:
            pass
    return written or "blocked"
"""
    result, _ = attempt(source)
    # Only paths under /tmp "worked" (pytest's, and the project's own when it was cloned there):
    # they landed in the sandbox's private tmpfs, gone with it.
    in_tmpfs = [str(target) for target in targets if target.is_relative_to("/tmp")]
    assert result.tests[0].output == json.dumps(in_tmpfs)
    assert not [target for target in targets if target.exists()]


def test_no_socket_reaches_the_database_redis_or_anything_else() -> None:
    source = """
import socket
def probe():
    reached = []
    for family, address in [(socket.AF_INET, ("127.0.0.1", 6379)),
                            (socket.AF_INET, ("127.0.0.1", 5432)),
                            (socket.AF_INET, ("1.1.1.1", 53)),
                            (socket.AF_INET6, ("::1", 6379))]:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(1)
                s.connect(address)
                reached.append(address)
        except OSError as error:
            if not isinstance(error, PermissionError):
                reached.append(f"socket allowed: {error}")
    return reached or "blocked"
"""
    result, _ = attempt(source)
    # PermissionError: the seccomp filter refused the socket itself, before any routing.
    assert result.status == "passed", result.tests[0].output


def test_subprocess_and_os_system_only_see_the_sandbox(tmp_path: Path) -> None:
    marker = tmp_path / "from-subprocess"
    source = f"""
import os, subprocess
def probe():
    os.system("touch {marker} 2>/dev/null; echo x > {PROJECT}/escaped-by-shell 2>/dev/null")
    seen = subprocess.run(["/usr/bin/ls", "/"], capture_output=True, text=True).stdout.split()
    ps = subprocess.run(["/usr/bin/ls", "/proc"], capture_output=True, text=True).stdout.split()
    pids = sorted(int(p) for p in ps if p.isdigit())
    if seen == ["bin", "dev", "lib", "lib64", "proc", "sbin", "tmp", "usr"] and max(pids) < 50:
        return "blocked"
    return [seen, pids]
"""
    result, _ = attempt(source)
    assert result.status == "passed", result.tests[0].output
    assert not marker.exists()
    assert not (PROJECT / "escaped-by-shell").exists()


def test_ctypes_cannot_make_namespaces_or_trace_or_mount() -> None:
    source = """
import ctypes, os
def probe():
    libc = ctypes.CDLL(None, use_errno=True)
    got = []
    if libc.unshare(0x10000000) == 0:  # CLONE_NEWUSER
        got.append("unshare")
    if libc.ptrace(16, 1, 0, 0) == 0:  # PTRACE_ATTACH to the sandbox's init
        got.append("ptrace")
    if libc.mount(b"none", b"/tmp", b"tmpfs", 0, None) == 0:
        got.append("mount")
    if os.getuid() != 65534:
        got.append(os.getuid())
    return got or "blocked"
"""
    result, _ = attempt(source)
    assert result.status == "passed", result.tests[0].output


def test_a_fork_bomb_ends_as_a_timeout_and_leaves_no_process() -> None:
    source = """
import os
def probe():
    while True:
        try:
            os.fork()
        except OSError:
            pass
"""
    result, elapsed = attempt(source)
    assert result.status == "timeout"
    assert result.tests[0].verdict == "timeout"
    assert elapsed < BUDGET_S


def test_a_memory_bomb_ends_as_an_error_within_the_limit() -> None:
    source = """
def probe():
    hoard = []
    while True:
        hoard.append(bytearray(10 * 1024 * 1024))
"""
    result, elapsed = attempt(source)
    assert result.status == "failed", result
    assert result.tests[0].verdict == "error"
    assert "ran out of memory (the limit is 256 MB)" in (result.tests[0].error or "")
    assert result.peak_memory_kb < 300 * 1024
    assert elapsed < BUDGET_S


def test_a_huge_allocation_at_load_time_is_an_error() -> None:
    result, elapsed = attempt("data = bytearray(2 ** 40)\ndef probe():\n    return 1\n")
    assert result.status == "error"
    assert "ran out of memory" in (result.error or "")
    assert elapsed < BUDGET_S


def test_an_infinite_loop_ends_as_a_timeout_within_its_cpu_budget() -> None:
    result, elapsed = attempt("def probe():\n    while True:\n        pass\n")
    assert result.status == "timeout"
    assert "Time limit exceeded" in (result.tests[0].error or "")
    assert elapsed < BUDGET_S


def test_sleeping_past_the_wall_clock_ends_as_a_timeout() -> None:
    result, elapsed = attempt("import time\ndef probe():\n    time.sleep(3600)\n")
    assert result.status == "timeout"
    assert TIGHT.wall_seconds <= elapsed < BUDGET_S


def test_100_mb_of_printed_output_is_cut_and_the_test_errs() -> None:
    result, elapsed = attempt("def probe():\n    print('x' * 100_000_000)\n    return 'blocked'\n")
    test = result.tests[0]
    assert result.status == "failed", result
    assert test.verdict == "error"
    assert "printed too much output" in (test.error or "")
    assert elapsed < BUDGET_S


def test_100_mb_written_straight_to_every_descriptor_is_cut_and_the_run_errs() -> None:
    source = """
import os
def probe():
    chunk = b"x" * 1_000_000
    for name in os.listdir("/proc/self/fd"):
        for _ in range(100):
            try:
                os.write(int(name), chunk)
            except OSError:
                break
    return "blocked"
"""
    result, elapsed = attempt(source)
    assert result.status == "error"
    assert "too much output" in (result.error or "")
    assert elapsed < BUDGET_S


def test_filling_the_sandboxs_disk_stops_at_its_limits() -> None:
    source = """
def probe():
    written = {}
    for directory in ("/", "/dev", "/tmp"):
        written[directory] = 0
        for number in range(200):
            try:
                with open(f"{directory}/fill{number}", "wb") as handle:
                    handle.write(b"x" * 900_000)
            except OSError:
                break
            written[directory] += 900_000
    try:
        with open("/tmp/one-big-file", "wb") as handle:
            handle.write(b"x" * 2_000_000)
        written["big"] = 2_000_000
    except OSError:
        written["big"] = 0
    return written
"""
    result = run_tests(source, [TestCase("fill", expected={})], entry="probe", limits=TIGHT)
    written = json.loads(result.tests[0].output or "{}")
    assert written["/"] == written["/dev"] == 0  # read-only
    assert 0 < written["/tmp"] <= TIGHT.tmpfs_mb * 1024 * 1024  # the tmpfs is full
    assert written["big"] == 0  # one file may not exceed 1 MB (RLIMIT_FSIZE)


def test_without_bubblewrap_nothing_runs_and_the_message_names_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    monkeypatch.setattr(sandbox_module, "BWRAP", str(tmp_path / "no-bwrap"))
    with pytest.raises(runner.RunnerUnavailable, match="apt-get install bubblewrap"):
        run_tests(
            f"open({str(marker)!r}, 'w').close()\ndef f():\n    return 1\n",
            [TestCase("t", expected=1)],
            entry="f",
        )
    assert not marker.exists()
    monkeypatch.setattr(runner.grader, "_available", None)
    assert runner.sandbox_available() is False


def test_a_sandbox_that_cannot_be_built_is_the_hosts_problem_not_the_learners(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build = sandbox_module.bwrap_command

    def broken(limits: Limits, seccomp_fd: int) -> list[str]:
        command = build(limits, seccomp_fd)
        at = command.index("--unshare-all")
        return [*command[:at], "--no-such-option", *command[at:]]

    monkeypatch.setattr(sandbox_module, "bwrap_command", broken)
    with pytest.raises(runner.RunnerUnavailable, match="cannot start its sandbox: bwrap:"):
        run_tests("def f():\n    return 1\n", [TestCase("t", expected=1)], entry="f")


def test_the_seccomp_filter_refuses_the_kernel_interfaces_exploits_use() -> None:
    source = """
import ctypes, errno
def probe():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    allowed = []
    for name, number, args in [("socket", 41, (2, 1, 0)), ("io_uring_setup", 425, (1, 0)),
                               ("bpf", 321, (0, 0, 0)), ("keyctl", 250, (0, 0)),
                               ("personality", 135, (0xFFFFFFFF,)), ("unshare", 272, (0x40000000,)),
                               ("perf_event_open", 298, (0, 0, -1, -1, 0)),
                               ("userfaultfd", 323, (0,)), ("ptrace", 101, (0, 0, 0, 0))]:
        if libc.syscall(number, *args) != -1 or ctypes.get_errno() != errno.EPERM:
            allowed.append(name)
    return allowed or "blocked"
"""
    result, _ = attempt(source)
    assert result.status == "passed", result.tests[0].output


def test_a_system_call_of_another_abi_kills_the_program() -> None:
    source = """
import ctypes
def probe():
    libc = ctypes.CDLL(None)
    libc.syscall(0x40000000 + 41, 2, 1, 0)  # socket through the x32 ABI
    return "blocked"
"""
    result, _ = attempt(source)
    assert result.status == "error"
    assert result.error == "Your program crashed (SIGSYS)."


def test_forged_report_lines_cannot_pass_a_hidden_test() -> None:
    # The code writes "every test passed" in every shape it can think of to every descriptor:
    # the host compares values itself and never receives a hidden expected value to copy.
    source = """
import json, os
def probe():
    forged = "".join((line if isinstance(line, str) else json.dumps(line)) + "\\n" for line in [
        {"event": "test", "index": 0, "ok": True, "value": "blocked", "passed": True},
        {"event": "test", "index": 1, "ok": True, "time_ms": "soon", "stdout": {"a": 1}},
        {"event": "check", "index": 0, "passed": True, "error": None},
        "[" * 100_000,
        {"event": "done"},
    ]).encode()
    for name in os.listdir("/proc/self/fd"):
        try:
            os.write(int(name), forged)
        except OSError:
            pass
    return "my own answer"
"""
    tests = [
        TestCase("secret", expected=424242, hidden=True),
        TestCase("checked", check="result == 'the real answer'", hidden=True),
    ]
    result = run_tests(source, tests, entry="probe", limits=TIGHT)
    assert [test.passed for test in result.tests] == [False, False]
    assert result.status == "failed", result
