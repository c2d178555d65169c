"""Time limits that hold on any thread, for checking untrusted answers.

SIGALRM only reaches the main thread, and a CPU-bound SymPy call never returns to Python to be
told to stop. So the limit is kept in two ways:

* **Bounded work.** Everything a check does in this process is bounded by a limit on its input:
  the parser refuses texts longer than 1,000 characters, more than 300 nodes, deep nesting and huge
  numbers; the numeric test evaluates a fixed number of points; the high-precision re-evaluation
  works at a fixed precision. Between those bounded steps the code calls `checkpoint()`, which
  raises `CheckTimeout` once the deadline of the innermost `time_limit` has passed. The deadline is
  a context variable, so it works the same on the main thread, in a worker thread and in a notebook.
* **A worker process** for the one step whose cost cannot be bounded from its input, the symbolic
  confirmation (SymPy's `simplify`). `run_in_worker` sends it to a long-lived child process and
  waits at most until the deadline; a child that is still busy then is killed (and replaced on the
  next call). The child is forked where the platform allows it, so it starts with SymPy imported.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import itertools
import multiprocessing
import threading
import time

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("xentlab_deadline", default=None)


class CheckTimeout(Exception):
    """The deadline of the innermost time_limit has passed."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Run the block under a deadline `seconds` from now (or an enclosing, earlier one)."""
    deadline = time.monotonic() + seconds
    outer = _DEADLINE.get()
    token = _DEADLINE.set(deadline if outer is None else min(deadline, outer))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left before the current deadline (never negative), or None without one."""
    deadline = _DEADLINE.get()
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def checkpoint() -> None:
    """Raise CheckTimeout when the current deadline has passed."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() >= deadline:
        raise CheckTimeout


# --- the worker process ------------------------------------------------------------------------


def _serve(connection) -> None:
    """The child's loop: (request, module, function, args) in, (request, "ok", result) or
    (request, "error", name) out."""
    while True:
        try:
            request, module, name, args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            result = (request, "ok", getattr(importlib.import_module(module), name)(*args))
        except Exception as error:  # reported, never raised in the child
            result = (request, "error", type(error).__name__)
        connection.send(result)


class _Worker:
    def __init__(self):
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True, name="xentlab-check-worker")
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


_worker: _Worker | None = None
_worker_lock = threading.Lock()
_requests = itertools.count()


class WorkerError(Exception):
    """The function raised in the worker (its exception's class name is the message)."""


def run_in_worker(module: str, name: str, *args, timeout: float):
    """module.name(*args) in the worker process, waiting at most `timeout` seconds (and never past
    the current deadline). Raises CheckTimeout when it does not finish in time (the worker is then
    killed), WorkerError when it raised. Arguments and result must pickle; keep them small."""
    global _worker
    left = remaining()
    timeout = timeout if left is None else min(timeout, left)
    started = time.monotonic()
    if not _worker_lock.acquire(timeout=max(timeout, 0.0)):
        raise CheckTimeout
    try:
        if _worker is None or not _worker.process.is_alive():
            _worker = _Worker()
        worker = _worker
        request = next(_requests)
        worker.connection.send((request, module, name, args))
        while True:  # an answer to an earlier request, if one was ever left unread, is skipped
            if not worker.connection.poll(max(0.0, timeout - (time.monotonic() - started))):
                worker.stop()
                _worker = None
                raise CheckTimeout
            answered, status, value = worker.connection.recv()
            if answered == request:
                break
    except (EOFError, OSError, BrokenPipeError):  # the worker died (e.g. out of memory): the next call starts a new one
        if _worker is not None:
            _worker.stop()
        _worker = None
        raise WorkerError("worker_died") from None
    finally:
        _worker_lock.release()
    if status == "error":
        raise WorkerError(value)
    return value


def stop_worker() -> None:
    """Stop the worker process now (it is also stopped when the program exits)."""
    global _worker
    with _worker_lock:
        if _worker is not None:
            _worker.stop()
            _worker = None
