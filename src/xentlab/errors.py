"""Typed errors. Each carries the exit status the CLI boundary turns it into."""


class XentlabError(Exception):
    """Base of every error xentlab raises on purpose."""

    exit_code = 1


class UsageError(XentlabError):
    """The command line asked for something that does not exist (kind, format…)."""

    exit_code = 2


class InputError(XentlabError, ValueError):
    """User-supplied data is malformed or outside the valid domain."""

    exit_code = 2


class OutputExistsError(XentlabError):
    """Refusing to overwrite what the user already has."""

    exit_code = 2


class VerificationError(XentlabError):
    """A derivation step failed its proof. This is a bug in xentlab, never user error."""

    exit_code = 3


class ToolMissingError(XentlabError):
    """An external program (lualatex) is needed but not installed."""

    exit_code = 2
