"""Typed errors. Each carries the exit status the CLI boundary turns it into.

An error a person reads is *keyed*: ``InputError(key="responses_not_text", path=...)``.
Its words live in ``templates/<lang>/errors.j2`` as a macro named after the key, so every
message exists in ja and en and the CLI prints it in the user's language (``render.error_text``).
A plain string message (``InputError("...")``) is for developers only: the Python API's
argument checks and bugs. ``str(error)`` of a keyed error is its English text.
"""

from __future__ import annotations


class XentlabError(Exception):
    """Base of every error xentlab raises on purpose."""

    exit_code = 1

    def __init__(self, message: str | None = None, /, *, key: str | None = None, **params):
        self.key = key
        self.params = params
        super().__init__(message if message is not None else (key or ""))

    def __str__(self) -> str:
        if self.key is None:
            return super().__str__()
        from xentlab.render import error_text  # only on the error path: keeps `import xentlab` light

        return error_text(self, "en")

    def __reduce__(self):  # keyed errors survive pickling (worker processes)
        return (_rebuild, (self.__class__, self.args, self.key, self.params))


def _rebuild(cls, args, key, params):
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.key, error.params = key, params
    return error


class UsageError(XentlabError):
    """The command line asked for something that does not exist (kind, format…)."""

    exit_code = 2


class InputError(XentlabError, ValueError):
    """User-supplied data is malformed or outside the valid domain."""

    exit_code = 2


class OutputExistsError(XentlabError):
    """Refusing to overwrite what the user already has."""

    exit_code = 2


class OutputError(XentlabError):
    """Writing an output failed (no space, no permission, a path that cannot hold a file)."""

    exit_code = 2


class VerificationError(XentlabError):
    """A derivation step failed its proof. This is a bug in xentlab, never user error."""

    exit_code = 3


class ToolMissingError(XentlabError):
    """An external program (lualatex) is needed but not installed."""

    exit_code = 2
