"""Run every bench/bench_*.py module's main(), in name order (`make bench`)."""

from __future__ import annotations

import datetime
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _nproc() -> str:
    if shutil.which("nproc"):
        try:
            return subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            pass
    return str(os.cpu_count())


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> list[str]:
    import numpy as np

    lines = [
        f"date:    {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"python:  {platform.python_version()} ({platform.python_implementation()}) on {platform.platform()}",
        f"numpy:   {np.__version__}",
        f"cpu:     {_cpu_model()}, nproc={_nproc()}",
    ]
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if var in os.environ:
            lines.append(f"env:     {var}={os.environ[var]}")
    return lines


class _Watch:
    """Standard output, passed through, noting whether a line reported a target as FAIL (every
    bench prints PASS or FAIL beside each target), so `make bench` exits non-zero on a missed one."""

    def __init__(self, stream):
        self.stream, self.failed, self._line = stream, False, ""

    def write(self, text: str) -> int:
        self._line += text
        *done, self._line = self._line.split("\n")
        self.failed |= any(re.search(r"\bFAIL\b", line) for line in done)
        return self.stream.write(text)

    def flush(self) -> None:
        self.failed |= bool(re.search(r"\bFAIL\b", self._line))
        self.stream.flush()

    def __getattr__(self, name):  # encoding, isatty, fileno…: the stream's own
        return getattr(self.stream, name)


def main() -> int:
    print("\n".join(machine_info()))
    crashed, missed = [], []
    for path in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {path.name} ===", flush=True)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        watch = _Watch(sys.stdout)
        sys.stdout = watch
        try:
            spec.loader.exec_module(module)
            module.main()
        except Exception:  # a crashing benchmark is a bug: report it, run the rest, exit non-zero
            traceback.print_exc()
            crashed.append(path.name)
        finally:
            watch.flush()
            sys.stdout = watch.stream
        if watch.failed:
            missed.append(path.name)
    if crashed:
        print(f"\nbenchmarks that crashed: {', '.join(crashed)}")
    if missed:
        print(f"\nbenchmarks with a target not met: {', '.join(missed)}")
    return 1 if crashed or missed else 0


if __name__ == "__main__":
    sys.exit(main())
