"""Atomic, no-clobber writes. Only the CLI calls these."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from xentlab.errors import OutputExistsError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temp_beside(path: Path, data: bytes) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a written file should look like any other
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(name)


def write_bytes(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write all of `data` or nothing; never replace an existing file unless `force`."""
    path = Path(path)
    if path.is_dir():
        raise OutputExistsError(f"{path} is a directory")
    if not path.parent.exists():
        raise OutputExistsError(f"directory {path.parent} does not exist")
    if path.exists() and not force:
        raise OutputExistsError(f"{path} already exists; use --force to overwrite it")
    temp = _temp_beside(path, data)
    try:
        if force:
            os.replace(temp, path)
        else:
            os.link(temp, path)  # fails if path appeared meanwhile: no silent overwrite
    except FileExistsError:
        raise OutputExistsError(f"{path} already exists; use --force to overwrite it") from None
    finally:
        temp.unlink(missing_ok=True)


def write_text(path: Path, text: str, *, force: bool = False) -> None:
    write_bytes(path, text.encode("utf-8"), force=force)


def refuse_existing(paths, *, force: bool = False) -> None:
    """Before writing several files: refuse up front if any exists, so nothing is half-written."""
    if force:
        return
    for path in paths:
        if path is not None and Path(path).exists():
            raise OutputExistsError(f"{path} already exists; use --force to overwrite it")
