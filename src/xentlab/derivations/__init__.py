"""The registry of derivation kinds. Importing it does not import SymPy."""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module

from xentlab.errors import UsageError

# kind -> module. Order is the order `xentlab list` shows.
KINDS = {
    "multiclass": "multiclass",
    "multiclass-batch": "multiclass_batch",
    "binary": "binary",
    "softmax-gradient": "softmax_gradient",
    "token-average": "token_average",
    "sse": "sse",
    "entropy-kl": "entropy_kl",
}
# Kinds that can be written out term by term for a concrete number of classes.
WRITTEN_OUT = ("multiclass", "sse", "entropy-kl")
# Kinds with a ½ variant.
HALF = ("sse",)
MAX_CLASSES = 50


def check_options(kind: str, classes: int | None, half: bool) -> None:
    if kind not in KINDS:
        raise UsageError(f"unknown kind '{kind}'; choose one of: {', '.join(KINDS)}")
    if classes is not None:
        if kind not in WRITTEN_OUT:
            raise UsageError(f"--classes applies to: {', '.join(WRITTEN_OUT)} (not '{kind}')")
        if not 2 <= classes <= MAX_CLASSES:
            raise UsageError(f"--classes must be between 2 and {MAX_CLASSES}, got {classes}")
    if half and kind not in HALF:
        raise UsageError(f"--half applies to: {', '.join(HALF)} (not '{kind}')")


@lru_cache(maxsize=64)
def derive(kind: str, *, classes: int | None = None, half: bool = False):
    """The derivation of `kind`, every step proved (raises VerificationError otherwise)."""
    check_options(kind, classes, half)
    from xentlab.verify import verify

    module = import_module(f"xentlab.derivations.{KINDS[kind]}")
    options = {"classes": classes} if kind in WRITTEN_OUT else {}
    if kind in HALF:
        options["half"] = half
    return verify(module.build(**options))
