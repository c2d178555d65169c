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
    """`kind` is an internal id (KINDS); messages name it as the user does (names.derivation_name)."""
    from xentlab import names

    if kind not in KINDS:
        raise names.unknown("kind", kind, names.LOSSES, names.DERIVE_ALIASES)
    if classes is not None:
        if kind not in WRITTEN_OUT:
            raise UsageError(key="option_not_here", option="--classes", name=names.derivation_name(kind),
                             allowed=tuple(names.derivation_name(k) for k in WRITTEN_OUT))
        if not 2 <= classes <= MAX_CLASSES:
            raise UsageError(key="out_of_range", option="--classes", low=2, high=MAX_CLASSES, value=str(classes))
    if half and kind not in HALF:
        raise UsageError(key="option_not_here", option="--half", name=names.derivation_name(kind),
                         allowed=tuple(names.derivation_name(k) for k in HALF))


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
