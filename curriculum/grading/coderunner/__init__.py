"""The code runner: learners' Python, run against test cases inside an OS-level sandbox.

Pure (no database, no Django). The API::

    run_tests(source, tests, *, entry, limits=DEFAULT_LIMITS, reveal_hidden=False,
              on_test=None) -> RunResult
    sandbox_available() -> bool          # False: say UNAVAILABLE_MESSAGE, run nothing
    check_expression_problem(expr) -> str | None   # for the admin: is a check an expression?

``TestCase(name, args=(), stdin="", expected=None, check=None, tolerance=None, hidden=False,
weight=1.0)``: with ``entry="f"`` each test calls ``f(*args)`` (args are JSON values) and
judges the returned value; with ``entry=None`` the file runs as a script with ``stdin`` and
its printed text is judged (compared line by line, trailing spaces ignored). A test is judged by
``check`` when it has one — a Python expression over ``result``, ``args``, ``stdin`` and
``math``, e.g. ``abs(result - math.sqrt(2)) < 1e-9`` — else by equality with ``expected``
(JSON; with ``tolerance``, every number within it, absolutely or relatively; True is not 1).
Returned values are made JSON in the sandbox: tuples become lists, Fraction and Decimal floats
(ints when whole); anything else (a set, an object) fails the test with a clear message.

``RunResult(status, score, time_ms, peak_memory_kb, tests, error)``: status is ``passed``
(every test), ``failed`` (none), ``partial`` (some: score = passed weight / total weight),
``timeout`` (the time ran out; tests judged before that still count) or ``error`` (the code
could not be read or loaded, or crashed, or flooded its output; ``error`` says so: syntax
errors as Python shows them, with the line; exceptions with the learner's own frames only,
as ``solution.py``, never the harness's or a host path). Each ``TestResult`` of a sample test
has the output, the expected value and a diff; a hidden test shows only "Hidden test N",
passed or not, and its verdict (``reveal_hidden=True`` is for authors running a reference
solution). ``RunnerUnavailable`` is raised, and nothing runs, when the sandbox cannot start.

Threat model
------------
Learner code is hostile: it may try to read the host's files (secrets in the project's
settings or .env, /etc/passwd, other learners' data), write or delete them, reach the network
(the database on 127.0.0.1:5432, Redis on :6379, the internet), escalate through the kernel,
exhaust the machine (fork bombs, memory, disk, output, CPU, sleeping forever), or cheat the
grading (read hidden tests' expected values, forge a verdict). The web process therefore never
runs learner code and never ``exec``s anything: a Celery worker calls ``run_tests``, which
starts a separate process in a sandbox for every run; if the sandbox is missing the runner
refuses, it never falls back to running code unsandboxed.

The boundary (sandbox.py)
-------------------------
Debian's bubblewrap (``bwrap``) starts Debian's own Python (/usr/bin/python3 in isolated mode,
``-I -S -B``: no site-packages, no environment, never the project's virtualenv) in new user,
PID, network, IPC, UTS, cgroup and mount namespaces (``--unshare-all --unshare-user
--disable-userns``), as uid/gid 65534 with every capability dropped, ``--die-with-parent``,
``--new-session`` (no terminal injection), an empty environment. Its file system is /usr
read-only (plus the /bin, /lib symlinks; /usr/local, what was installed by hand, hidden), its
own /proc and a minimal /dev, and a private size-limited tmpfs at /tmp, the only writable
place (the root and /dev are read-only too): no /etc, /home, /root, /var or project directory
exists in it. The network namespace has only a loopback that is down, so no socket
reaches anything. A seccomp filter (compiled by libseccomp's Python bindings,
Debian's ``python3-seccomp``) denies what no exercise needs and kernel exploits like:
sockets other than AF_UNIX, ptrace and reading other processes' memory, mount and friends,
unshare/setns and namespace flags of clone, keyctl, bpf, perf_event_open, userfaultfd,
io_uring, module loading, personality, clock and host-name changes. When the worker runs as
root, each run's sandbox is started as an unprivileged host user of its own (the next of its
worker process's block of 1000 above 2000000000: no account needed), never as root.

Resource limits (``Limits``, per run; ``prlimit`` applies them to bubblewrap and everything
it starts): CPU 5 s (SIGXCPU, then SIGKILL a second later), wall clock 10 s (the whole
sandbox is killed: killing bubblewrap ends its PID namespace), address space 256 MB per
process, 32 processes, 64 open files, 1 MB per written file, tmpfs 16 MB, no core dumps;
printed output: 64 KB kept per test, the test is stopped past 1 MB; at most 2 MB reported
back per run (beyond it the run is killed); code at most 64 KB. RLIMIT_NPROC counts every
process of the host user that starts the sandbox, so that user should run nothing else.

Grading integrity: sample and hidden tests run in separate sandboxes, so what a learner is
shown never comes from a process that held a hidden input; expected values never enter a
sandbox that runs learner code (the comparison is made on the host, on JSON); checking
expressions run in a sandbox with no learner code in it.

What a production host needs
----------------------------
``apt-get install bubblewrap python3-seccomp`` (Debian 12: bwrap 0.8, for
``--disable-userns``; prlimit comes with util-linux), and unprivileged user namespaces
enabled: ``sysctl kernel.unprivileged_userns_clone`` must be 1 where that setting exists
(Debian's default), and ``user.max_user_namespaces`` above 0; with AppArmor's
``kernel.apparmor_restrict_unprivileged_userns=1`` (Ubuntu 24.04) bwrap needs its profile.
Run the grading workers on their own queue and hosts, as a dedicated user that runs nothing
else, and for memory beyond RLIMIT_AS put the workers in a cgroup with a MemoryMax (systemd
slice) so many processes of many sandboxes cannot add up. ``sandbox_available()`` runs a
trial sandbox, so a health check shows a host that cannot run learner code.
"""

from __future__ import annotations

from curriculum.grading.coderunner.grader import (
    check_expression_problem,
    run_tests,
    sandbox_available,
)
from curriculum.grading.coderunner.results import (
    DEFAULT_LIMITS,
    UNAVAILABLE_MESSAGE,
    Limits,
    RunnerUnavailable,
    RunResult,
    RunStatus,
    TestCase,
    TestResult,
    TestVerdict,
)

__all__ = [
    "DEFAULT_LIMITS",
    "UNAVAILABLE_MESSAGE",
    "Limits",
    "RunResult",
    "RunStatus",
    "RunnerUnavailable",
    "TestCase",
    "TestResult",
    "TestVerdict",
    "check_expression_problem",
    "run_tests",
    "sandbox_available",
]
