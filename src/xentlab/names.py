"""One vocabulary: the names every command (and the Python API) accepts, and their old aliases.

A loss has one name everywhere: `derive`, `solve`, `check --kind`, `worksheet --types`, `moodle`
and key.json. The names a user used before stay valid as aliases, so old command lines, scripts
and answer keys keep working; new output always writes the canonical name. A name that is not
known gets "did you mean …" (difflib) in the user's language, through a keyed UsageError.

Importing this module imports neither SymPy nor NumPy (`xentlab --help` stays fast).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from xentlab.errors import UsageError

# --- losses ----------------------------------------------------------------------------------

LOSSES = ("cross-entropy", "binary-cross-entropy", "softmax-cross-entropy", "sse", "token-loss", "entropy-kl")
LOSS_ALIASES = {
    "multiclass": "cross-entropy",
    "multiclass-batch": "cross-entropy",
    "ce": "cross-entropy",
    "binary": "binary-cross-entropy",
    "bce": "binary-cross-entropy",
    "softmax-ce": "softmax-cross-entropy",
    "token-average": "token-loss",
}

# `solve` and `check --kind` compute a loss from numbers; entropy-kl is derived only.
SOLVE_KINDS = LOSSES[:5]

# --- derivations -----------------------------------------------------------------------------

# (loss, batch) -> the derivation's internal id (derivations.KINDS), in the order `xentlab list` shows.
DERIVATIONS = {
    ("cross-entropy", False): "multiclass",
    ("cross-entropy", True): "multiclass-batch",
    ("binary-cross-entropy", False): "binary",
    ("softmax-cross-entropy", False): "softmax-gradient",
    ("token-loss", False): "token-average",
    ("sse", False): "sse",
    ("entropy-kl", False): "entropy-kl",
}
BATCH_LOSSES = ("cross-entropy",)  # losses whose derivation has a separate --batch form
# Old `derive` names: each also fixes --batch.
DERIVE_ALIASES = {internal: key for key, internal in DERIVATIONS.items() if internal not in LOSSES}
DERIVE_ALIASES |= {"ce": ("cross-entropy", False), "bce": ("binary-cross-entropy", False),
                   "softmax-ce": ("softmax-cross-entropy", False)}

# --- problem types ---------------------------------------------------------------------------

# A problem type that is one loss carries the loss's name; a type that is a kind of question
# (one prediction, a comparison, a batch, a gradient, a conversion…) keeps its own id.
# The teaching order of the default sheet.
PROBLEM_TYPES = ("ce-single", "ce-compare", "ce-batch", "binary-cross-entropy", "sse", "softmax-cross-entropy",
                 "softmax-gradient", "token-loss", "inverse", "units", "derive-step", "log-rule", "derive-lines")
TYPE_ALIASES = {"bce": "binary-cross-entropy", "binary": "binary-cross-entropy", "softmax-ce": "softmax-cross-entropy"}

# --- plain choices -----------------------------------------------------------------------------

LANGS = ("ja", "en")
BASES = ("e", "2", "10")
REDUCTIONS = ("mean", "sum")


def suggest(name: str, candidates: Iterable[str], aliases: Mapping[str, object] | None = None) -> str:
    """The closest known spelling of `name` (an alias counts, and is answered by its canonical
    name), or "" when nothing is close."""
    aliases = aliases or {}
    pool = list(dict.fromkeys([*candidates, *aliases]))
    close = difflib.get_close_matches(str(name).lower(), pool, n=1, cutoff=0.6)
    if not close:
        return ""
    found = close[0]
    target = aliases.get(found, found)
    if isinstance(target, tuple):  # a derive alias: (loss, batch)
        return f"{target[0]} --batch" if target[1] else target[0]
    return target


def unknown(what: str, name: str, choices: Iterable[str], aliases: Mapping[str, object] | None = None) -> UsageError:
    """The error for a name that is none of `choices`: what it was meant to be, the choices,
    and the closest spelling."""
    choices = tuple(choices)
    return UsageError(key="unknown_name", what=what, name=str(name), choices=choices, suggestion=suggest(name, choices, aliases))


def choose(what: str, name: str, choices: Iterable[str]) -> str:
    """`name` itself when it is one of `choices`, else the keyed error with a suggestion."""
    choices = tuple(choices)
    if name not in choices:
        raise unknown(what, name, choices)
    return name


def loss(name: str, allowed: Iterable[str] = SOLVE_KINDS) -> str:
    """The canonical loss name of `name` (itself, or the loss an alias stands for)."""
    allowed = tuple(allowed)
    canonical = LOSS_ALIASES.get(name, name)
    if canonical not in allowed:
        raise unknown("kind", name, allowed, {k: v for k, v in LOSS_ALIASES.items() if v in allowed})
    return canonical


def derivation(name: str, batch: bool = False) -> str:
    """The internal derivation id for `derive NAME [--batch]`; an old name fixes the batch form."""
    if name in DERIVE_ALIASES:
        loss_name, alias_batch = DERIVE_ALIASES[name]
        batch = batch or alias_batch
    elif name in LOSSES:
        loss_name = name
    else:
        raise unknown("kind", name, LOSSES, DERIVE_ALIASES)
    if batch and loss_name not in BATCH_LOSSES:
        raise UsageError(key="option_not_here", option="--batch", name=loss_name, allowed=BATCH_LOSSES)
    return DERIVATIONS[(loss_name, batch)]


def derivation_name(internal: str) -> str:
    """How a user names a derivation: 'cross-entropy', 'cross-entropy --batch', 'sse', …"""
    for (loss_name, batch), known in DERIVATIONS.items():
        if known == internal:
            return f"{loss_name} --batch" if batch else loss_name
    raise ValueError(f"unknown derivation {internal!r}")


def problem_type(name: str) -> str:
    """The canonical problem-type id of `name`."""
    canonical = TYPE_ALIASES.get(name, name)
    if canonical not in PROBLEM_TYPES:
        raise unknown("type", name, PROBLEM_TYPES, TYPE_ALIASES)
    return canonical
