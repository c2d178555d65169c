"""Calling the student's function: fresh copies of the inputs, a time limit, and whatever happens
inside it (an exception, a hang, a value that is not a number) recorded as the student's doing.

xentlab does not sandbox this code: it runs in the process that called probe(), with that
process's rights, as the notebook or the autograder runs it anyway.
"""

from __future__ import annotations

import inspect
import signal
import threading
import warnings
from dataclasses import dataclass

import numpy as np

TIME_LIMIT = 2.0  # seconds for one call
_TARGET_WORDS = ("true", "target", "label", "truth", "onehot", "one_hot", "answer", "gold")
_TARGET_NAMES = {"t", "tt", "gt", "y_t", "yt", "ys"}


class ProbeTimeout(BaseException):
    """Raised inside the student's function when its time is up. A BaseException, so that a
    student's `except Exception:` cannot swallow it."""


@dataclass(frozen=True)
class Outcome:
    """What one call produced: a value (as a float array), or why there is none."""

    value: np.ndarray | None = None
    error: str = ""  # "" | "raised_exception" | "timed_out" | "no_return_value" | "not_a_number"
    detail: str = ""  # the exception's type and message, or the type that came back


def _copy(arg):
    return np.array(arg, copy=True) if isinstance(arg, np.ndarray) else arg


def _as_numbers(result) -> Outcome:
    if result is None:
        return Outcome(error="no_return_value")
    if isinstance(result, (str, bytes, np.str_, np.bytes_)):  # "0.357" is text, not a loss (NumPy would parse it)
        return Outcome(error="not_a_number", detail=type(result).__name__)
    if hasattr(result, "detach") and hasattr(result, "numpy"):  # a torch tensor
        result = result.detach().cpu().numpy()
    try:
        value = np.array(result, dtype=float)
    except (TypeError, ValueError):
        return Outcome(error="not_a_number", detail=type(result).__name__)
    return Outcome(value=value)


def call(fn, args: tuple, seconds: float = TIME_LIMIT) -> Outcome:
    """fn(*args) on copies of args, under the time limit; NumPy warnings (log of 0…) are silenced,
    because their result (nan, inf) is what the verdict reports."""
    copies = tuple(_copy(a) for a in args)

    def run():
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # converting runs the returned object's own code (__array__, __float__): under the limit too
            return _as_numbers(fn(*copies))

    try:
        return _with_time_limit(run, seconds)
    except ProbeTimeout:
        return Outcome(error="timed_out", detail=f"{seconds:g} s")
    except (Exception, SystemExit) as error:  # the student's error (sys.exit() too), reported as theirs
        text = _first_line(error)
        return Outcome(error="raised_exception", detail=f"{type(error).__name__}: {text}" if text else type(error).__name__)


def _first_line(error: BaseException) -> str:
    """The first line of the exception's message; its own __str__ is the student's code: guarded."""
    try:
        text = str(error)
    except Exception:
        return ""
    return text.splitlines()[0][:200] if text else ""


def _with_time_limit(run, seconds: float):
    """SIGALRM on the main thread (it interrupts Python code, so a runaway loop stops). Elsewhere
    the call runs in a daemon thread, and when the time is up ProbeTimeout is raised inside it
    (PyThreadState_SetAsyncExc): Python code stops at its next bytecode; a single long NumPy
    call finishes first."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        def expire(signum, frame):
            raise ProbeTimeout

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return run()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    box: dict = {}

    def target():
        try:
            box["value"] = run()
        except BaseException as error:  # handed to the caller's thread below
            box["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        import ctypes

        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(ProbeTimeout))
        worker.join(1.0)
        raise ProbeTimeout
    if "error" in box:
        raise box["error"]
    return box["value"]


def target_first(fn) -> bool:
    """Does fn take the target before the prediction (sklearn's and seed 002's y_true, y_pred)?
    Decided from the names of its first two parameters; xentlab's own order (y, t) otherwise."""
    try:
        names = [p.name.lower() for p in inspect.signature(fn).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][:2]
    except (TypeError, ValueError):
        return False
    if len(names) < 2:
        return False

    def is_target(name: str) -> bool:
        return name in _TARGET_NAMES or any(word in name for word in _TARGET_WORDS)

    return is_target(names[0]) and not is_target(names[1])
