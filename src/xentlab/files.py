"""Atomic, no-clobber writes. Only the CLI calls these.

A file is written to a temporary file beside it and put in place by one rename (or a hard link
when it must not replace anything), so a reader sees the old file or the new one, never half.
`--force` replaces a regular file only: never a directory, device, FIFO, socket or symlink (the
link itself and whatever it points to are left alone). A directory of files (a worksheet) is built
whole in a temporary directory beside it and swapped in by one rename, under a lock that makes a
second writer fail at once. Every failure is a keyed error, exit status 2.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from xentlab.errors import OutputError, OutputExistsError, UsageError

_KINDS = ((stat.S_ISDIR, "directory"), (stat.S_ISLNK, "symlink"), (stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"),
          (stat.S_ISFIFO, "fifo"), (stat.S_ISSOCK, "socket"))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "special")


def _failed(path: Path, error: OSError) -> OutputError:
    code = errno.errorcode.get(error.errno, "") if error.errno else ""  # the template words the common ones in ja/en
    return OutputError(key="write_failed", path=str(path), reason=error.strerror or type(error).__name__, code=code)


def check_target(path: Path, *, force: bool = False) -> None:
    """Refuse, before anything is written, what write_bytes would refuse."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise _failed(path, error) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise OutputExistsError(key="output_is_directory", path=str(path))
        raise OutputExistsError(key="output_not_regular", path=str(path), kind=_kind(info.st_mode))
    if not path.parent.is_dir():
        raise OutputExistsError(key="output_parent_missing", path=str(path), parent=str(path.parent))
    if info is not None and not force:
        raise OutputExistsError(key="output_exists", path=str(path))


def write_stream(path: Path, chunks: Iterable[bytes], *, force: bool = False) -> None:
    """Write every chunk or nothing; never replace an existing file unless `force`, and never
    anything but a regular file."""
    path = Path(path)
    check_target(path, force=force)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise _failed(path, error) from None
    temp = Path(name)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a written file should look like any other
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        check_target(path, force=force)  # again: something may have appeared meanwhile
        if force:
            os.replace(temp, path)
        else:
            os.link(temp, path)  # fails if path appeared meanwhile: no silent overwrite
    except FileExistsError:
        raise OutputExistsError(key="output_exists", path=str(path)) from None
    except OSError as error:
        raise _failed(path, error) from None
    finally:
        temp.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write all of `data` or nothing; never replace an existing file unless `force`."""
    write_stream(path, [data], force=force)


def write_text(path: Path, text: str, *, force: bool = False) -> None:
    write_bytes(path, text.encode("utf-8"), force=force)


def refuse_existing(paths, *, force: bool = False, inputs=()) -> None:
    """Before writing several files: refuse up front if any would be refused, so nothing is half-written.
    No output may be one of the command's `inputs` (`grade -o class.csv --force` would replace the class)."""
    given = [Path(p) for p in paths if p is not None]
    distinct_outputs(given)
    not_an_input(given, inputs)
    for path in given:
        check_target(path, force=force)


def distinct_outputs(paths) -> None:
    """Two outputs of one command must not be the same file (-o equal to --report would let the
    second replace the first)."""
    seen: dict = {}
    for path in (Path(p) for p in paths if p is not None):
        key = os.path.normcase(os.path.abspath(path.parent.resolve() / path.name)) if path.parent.exists() else str(path.absolute())
        if key in seen:
            raise UsageError(key="output_same_path", first=str(seen[key]), second=str(path))
        seen[key] = path


def not_an_input(outputs, inputs) -> None:
    for output in outputs:
        for source in (Path(p) for p in inputs if p is not None):
            if _same_file(output, source):
                raise UsageError(key="output_is_input", output=str(output), source=str(source))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # also a hard link or another spelling of the same path
    except OSError:  # one of them does not exist yet
        return os.path.abspath(a) == os.path.abspath(b)


# --- a directory of files, swapped in whole ---------------------------------------------------


@contextlib.contextmanager
def _locked(directory: Path):
    """An exclusive lock on `.NAME.lock` beside the directory, taken without waiting: a second
    writer fails at once. The kernel drops it when the process ends, even under kill -9."""
    import fcntl

    lock_path = directory.parent / f".{directory.name}.lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666 & ~_umask())
    except OSError as error:
        raise _failed(lock_path, error) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputExistsError(key="dir_locked", path=str(directory)) from None
        yield
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE). False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _copy_tree(source: Path, target: Path) -> None:
    """target gets what source has (files hard-linked where possible), so a user's own files in
    the directory survive the swap."""
    for entry in os.scandir(source):
        destination = target / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), destination)
        elif entry.is_dir():
            destination.mkdir()
            shutil.copystat(entry.path, destination)
            _copy_tree(Path(entry.path), destination)
        else:
            try:
                os.link(entry.path, destination)
            except OSError:
                shutil.copy2(entry.path, destination)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _clean_leftovers(directory: Path) -> None:
    """Temporary trees of an earlier run that was killed (only this module makes these names);
    if that run died between the two renames of the fallback swap, its old directory comes back."""
    prefix = f".{directory.name}."
    for entry in directory.parent.iterdir():
        if not entry.name.startswith(prefix) or entry.is_symlink() or not entry.is_dir():
            continue
        if entry.name.startswith(prefix + "old-") and not os.path.lexists(directory):
            os.rename(entry, directory)
        elif entry.name.startswith((prefix + "tmp-", prefix + "old-")):
            shutil.rmtree(entry, ignore_errors=True)


def write_tree(directory: Path, files: list[tuple[Path, bytes]], *, force: bool = False) -> None:
    """Write `files` (relative paths → bytes) into `directory` as one change: built whole in a
    temporary directory beside it, then swapped in by one rename. kill -9 at any moment leaves the
    old complete set or the new one. An existing non-empty directory needs `force`; its other
    files are kept. A second writer into the same directory fails at once."""
    directory = Path(os.path.abspath(directory))
    if not directory.parent.is_dir():
        raise OutputExistsError(key="output_parent_missing", path=str(directory), parent=str(directory.parent))
    for relative, _ in files:
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            raise ValueError(f"write_tree: {relative} is not inside the directory")
    with _locked(directory):
        try:
            _clean_leftovers(directory)
            _swap_in(directory, files, force)
        except OSError as error:
            raise _failed(directory, error) from None


def _swap_in(directory: Path, files: list[tuple[Path, bytes]], force: bool) -> None:
    old = None
    if os.path.lexists(directory):
        old = os.lstat(directory)
        if not stat.S_ISDIR(old.st_mode):
            raise OutputExistsError(key="dir_not_a_directory", path=str(directory))
        if any(directory.iterdir()) and not force:
            raise OutputExistsError(key="dir_not_empty", path=str(directory))
    temp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.tmp-", dir=directory.parent))
    try:
        os.chmod(temp, stat.S_IMODE(old.st_mode) if old else 0o777 & ~_umask())
        if old is not None:
            _copy_tree(directory, temp)
        for relative, data in files:
            target = temp / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if os.path.lexists(target):
                target.unlink()  # a link to the old file: the old file itself is left as it was
            with open(target, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(target, 0o666 & ~_umask())
        _fsync_dir(temp)
        if old is None or not any(directory.iterdir()):
            os.rename(temp, directory)  # onto nothing, or onto an empty directory: one step
        elif _exchange(temp, directory):
            shutil.rmtree(temp)  # now the old set
        else:  # no atomic exchange here: two renames, and _clean_leftovers undoes a crash between them
            backup = directory.parent / f".{directory.name}.old-{temp.name.rsplit('-', 1)[-1]}"
            os.rename(directory, backup)
            os.rename(temp, directory)
            shutil.rmtree(backup)
        _fsync_dir(directory.parent)
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
