"""One run of a program in the sandbox: bubblewrap, seccomp, resource limits, caps, timeouts.

``run_in_sandbox(payload, limits)`` starts the harness (harness.py) in a fresh sandbox with
``payload`` (JSON) on its standard input and returns what came back: the report lines, how the
run ended, and what it used. It never runs anything outside bubblewrap; when the sandbox
cannot start it raises ``RunnerUnavailable``.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import selectors
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curriculum.grading.coderunner.results import (
    UNAVAILABLE_MESSAGE,
    Limits,
    RunnerUnavailable,
)

BWRAP = "/usr/bin/bwrap"
PRLIMIT = "/usr/bin/prlimit"
# Debian's own Python, never the project's virtualenv: the sandbox shows /usr and nothing else.
SANDBOX_PYTHON = "/usr/bin/python3"
SANDBOX_UID = 65534  # "nobody" inside the sandbox's user namespace
# When the worker is root, each run starts its sandbox as an unprivileged host user of its own
# (no account needed), the next of its worker process's block of `HOST_UIDS_PER_PROCESS`:
# RLIMIT_NPROC is then counted for that run's processes only, never for another process's or
# for the last fork bomb's processes still being reaped, and root's exemption from it never
# applies to learner code. The range is far above accounts and the subordinate ids given to
# containers (100000 + 65536 per user), and below 2**31.
HOST_UID_BASE = 2_000_000_000
HOST_UID_SPAN = 60_000
HOST_UIDS_PER_PROCESS = 1_000
_runs = itertools.count()
STDERR_KEEP = 64 * 1024

HARNESS_SOURCE = (Path(__file__).resolve().parent / "harness.py").read_text(encoding="utf-8")

# Built by libseccomp's own Python bindings (Debian's python3-seccomp, for the system Python):
# the project's virtualenv cannot import them, so the system Python writes the compiled BPF to
# stdout once per worker process. Everything is allowed except what a Python exercise never
# needs and a kernel exploit often does; denied calls fail with EPERM (clone3 with ENOSYS, so
# the C library falls back to clone, whose namespace flags are filtered).
SECCOMP_BUILDER = r"""
import errno, socket, sys
import seccomp

deny = seccomp.ERRNO(errno.EPERM)
f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
f.add_rule(deny, "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
f.add_rule(deny, "socketpair", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
for name in (
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount",
    "fsconfig", "fspick", "mount_setattr", "unshare", "setns", "personality",
    "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "reboot", "swapon", "swapoff", "acct", "syslog", "quotactl", "lookup_dcookie",
    "open_by_handle_at", "name_to_handle_at", "sethostname", "setdomainname",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "iopl", "ioperm",
    "vhangup", "fanotify_init", "uselib", "mbind", "migrate_pages", "move_pages",
    "set_mempolicy",
):
    f.add_rule(deny, name)
f.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
for flag in (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000,
             0x40000000, 0x00000080):
    f.add_rule(deny, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
f.export_bpf(sys.stdout)
"""


@dataclass
class SandboxRun:
    """How one sandboxed run ended and what it used."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    exit_code: int | None = None  # the sandbox's exit status (negative: killed by that signal)
    timed_out: bool = False  # wall clock or CPU seconds ran out
    report_overflow: bool = False  # sent more than limits.report_kb: killed
    stderr: str = ""
    wall_ms: float = 0.0
    # The largest resident set the harness saw (itself and the processes it waited for); 0 if
    # it could not say. Not bubblewrap's wait4 usage: that misses the sandbox's PID 1 and
    # below, and keeps the high-water mark of the worker it was forked from across exec.
    peak_memory_kb: int = 0

    @property
    def finished(self) -> bool:
        return any(line.get("event") == "done" for line in self.lines)


@functools.cache
def seccomp_filter() -> bytes:
    """The compiled filter (cached per process); RunnerUnavailable if it cannot be built."""
    if not Path(SANDBOX_PYTHON).is_file():
        raise RunnerUnavailable(UNAVAILABLE_MESSAGE)
    built = subprocess.run(  # noqa: S603 (our own fixed program, no learner input)
        [SANDBOX_PYTHON, "-I", "-c", SECCOMP_BUILDER],
        capture_output=True,
        timeout=30,
        check=False,
        env={},
    )
    if built.returncode != 0 or not built.stdout:
        raise RunnerUnavailable(UNAVAILABLE_MESSAGE)
    return built.stdout


def _host_ids() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    uid = host_uid_block()[next(_runs) % HOST_UIDS_PER_PROCESS]
    return uid, uid


def host_uid_block() -> range:
    """The host users this worker process runs its sandboxes as (when it is root)."""
    first = HOST_UID_BASE + (os.getpid() % HOST_UID_SPAN) * HOST_UIDS_PER_PROCESS
    return range(first, first + HOST_UIDS_PER_PROCESS)


def bwrap_command(limits: Limits, seccomp_fd: int) -> list[str]:
    """prlimit sets the rlimits, then bwrap builds the sandbox and starts the harness."""
    rlimits = [
        f"--cpu={limits.cpu_seconds}:{limits.cpu_seconds + 1}",
        f"--as={limits.memory_mb * 1024 * 1024}",
        f"--nproc={limits.processes}",
        f"--nofile={limits.open_files}",
        f"--fsize={limits.file_size_kb * 1024}",
        "--core=0",
    ]
    system: list[str] = ["--ro-bind", "/usr", "/usr"]
    if Path("/usr/local").is_dir():
        # What the host's admins installed by hand (tools, their configuration) is not the
        # distribution's: hidden under an empty, read-only tmpfs.
        system += ["--size", "4096", "--tmpfs", "/usr/local", "--remount-ro", "/usr/local"]
    for name in ("bin", "sbin", "lib", "lib64"):
        path = Path("/") / name
        if path.is_symlink():  # merged /usr (Debian 12)
            system += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            system += ["--ro-bind", str(path), str(path)]
    return [
        PRLIMIT,
        *rlimits,
        "--",
        BWRAP,
        "--unshare-all",  # user, pid, net, ipc, uts, cgroup and mount namespaces
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--uid", str(SANDBOX_UID),
        "--gid", str(SANDBOX_UID),
        "--cap-drop", "ALL",
        *system,
        "--proc", "/proc",
        "--dev", "/dev",
        "--size", str(limits.tmpfs_mb * 1024 * 1024),
        "--tmpfs", "/tmp",  # noqa: S108 (the sandbox's own tmpfs)
        "--chdir", "/tmp",  # noqa: S108
        # The root and /dev are bubblewrap's own tmpfs, with no size limit: read-only, or a
        # learner could fill the host's memory with files there.
        "--remount-ro", "/",
        "--remount-ro", "/dev",  # a tmpfs too; its device nodes still work
        "--hostname", "sandbox",
        "--clearenv",
        "--setenv", "LANG", "C.UTF-8",
        "--setenv", "PATH", "/usr/bin:/bin",
        "--setenv", "HOME", "/tmp",  # noqa: S108
        "--seccomp", str(seccomp_fd),
        "--",
        SANDBOX_PYTHON, "-I", "-S", "-B", "-c", HARNESS_SOURCE,
    ]  # fmt: skip


def bwrap_installed() -> bool:
    return Path(BWRAP).is_file() and os.access(BWRAP, os.X_OK) and shutil.which(PRLIMIT) is not None


def run_in_sandbox(
    payload: dict[str, Any],
    limits: Limits,
    *,
    on_line: Callable[[dict[str, Any]], None] | None = None,
) -> SandboxRun:
    """Run the harness on ``payload``; ``on_line`` sees each report line as it arrives."""
    if not bwrap_installed():
        raise RunnerUnavailable(UNAVAILABLE_MESSAGE)
    program = seccomp_filter()
    seccomp_fd = os.memfd_create("calcuingo-seccomp", 0)
    try:
        os.write(seccomp_fd, program)
        os.lseek(seccomp_fd, 0, os.SEEK_SET)
        ids = _host_ids()
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 (fixed argv; learner code goes in on stdin)
            bwrap_command(limits, seccomp_fd),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(seccomp_fd,),
            start_new_session=True,
            env={},
            cwd="/",
            user=ids[0] if ids else None,
            group=ids[1] if ids else None,
            extra_groups=[] if ids else None,
        )
    except OSError as error:
        raise RunnerUnavailable(f"{UNAVAILABLE_MESSAGE} ({error.strerror})") from error
    finally:
        os.close(seccomp_fd)
    return _communicate(process, json.dumps(payload).encode("utf-8"), limits, started, on_line)


def _kill(process: subprocess.Popen[bytes]) -> None:
    # Killing bubblewrap ends the sandbox's PID namespace, and with it every process inside;
    # the process group catches prlimit/bwrap before the namespace exists.
    # (os.kill, not Popen.kill: that polls, and would reap bubblewrap before _reap does.)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(process.pid, signal.SIGKILL)


def _communicate(
    process: subprocess.Popen[bytes],
    stdin: bytes,
    limits: Limits,
    started: float,
    on_line: Callable[[dict[str, Any]], None] | None,
) -> SandboxRun:
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None
    run = SandboxRun()
    deadline = started + limits.wall_seconds
    report_cap = limits.report_kb * 1024
    pending, received, errors = b"", 0, bytearray()
    selector = selectors.DefaultSelector()
    os.set_blocking(process.stdin.fileno(), False)
    to_send = memoryview(stdin)
    selector.register(process.stdin, selectors.EVENT_WRITE)
    selector.register(process.stdout, selectors.EVENT_READ)
    selector.register(process.stderr, selectors.EVENT_READ)
    open_streams = 2
    try:
        while open_streams:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                run.timed_out = True
                _kill(process)
                break
            for key, _ in selector.select(remaining):
                if key.fileobj is process.stdin:
                    try:
                        sent = os.write(process.stdin.fileno(), to_send[:65536])
                    except (BrokenPipeError, BlockingIOError):
                        sent = len(to_send)
                    to_send = to_send[sent:]
                    if not to_send:
                        selector.unregister(process.stdin)
                        process.stdin.close()
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    open_streams -= 1
                elif key.fileobj is process.stderr:
                    errors += chunk[: max(0, STDERR_KEEP - len(errors))]
                else:
                    received += len(chunk)
                    if received > report_cap:
                        run.report_overflow = True
                        _kill(process)
                        open_streams = 0
                        break
                    pending += chunk
                    *complete, pending = pending.split(b"\n")
                    for raw in complete:
                        _accept(raw, run, on_line)
    finally:
        selector.close()
        if process.stdin and not process.stdin.closed:
            process.stdin.close()
        status = _reap(process, deadline)
        process.returncode = os.waitstatus_to_exitcode(status)
        process.stdout.close()
        process.stderr.close()
    run.exit_code = process.returncode
    run.wall_ms = (time.perf_counter() - started) * 1000
    reported = [line["peak_kb"] for line in run.lines if isinstance(line.get("peak_kb"), int)]
    run.peak_memory_kb = max(reported, default=0)
    run.stderr = errors.decode("utf-8", "replace")
    if not run.lines and run.stderr.startswith("bwrap:"):
        # The sandbox itself could not be built (no user namespaces, say): that is the host's
        # problem, not the learner's. Learner code never writes here (fd 2 is /dev/null to it).
        raise RunnerUnavailable(f"The code runner cannot start its sandbox: {run.stderr.strip()}")
    # The CPU limit: SIGXCPU, or SIGKILL a second later for code that handles SIGXCPU.
    out_of_cpu = run.exit_code == 128 + signal.SIGXCPU or (
        run.exit_code == 128 + signal.SIGKILL and run.wall_ms >= limits.cpu_seconds * 1000
    )
    if not run.finished and out_of_cpu:
        run.timed_out = True
    return run


def _reap(process: subprocess.Popen[bytes], deadline: float) -> int:
    """Wait for the sandbox to exit (briefly: its streams are closed), then kill what is left.

    Returns the wait status. Reaped with waitpid here, not Popen.wait, so that the status is
    read exactly once whichever way the run ended.
    """
    grace = min(deadline, time.perf_counter() + 1.0)
    while True:
        pid, status = os.waitpid(process.pid, os.WNOHANG)
        if pid:
            return status
        if time.perf_counter() >= grace:
            break
        time.sleep(0.002)
    # Whatever happened, nothing of this run outlives it.
    _kill(process)
    _, status = os.waitpid(process.pid, 0)
    return status


def _accept(raw: bytes, run: SandboxRun, on_line: Callable[[dict[str, Any]], None] | None) -> None:
    try:
        line = json.loads(raw)
    except (ValueError, RecursionError):  # learner code may write anything, "[[[[..." too
        return
    if not isinstance(line, dict):
        return
    run.lines.append(line)
    if on_line is not None:
        on_line(line)
