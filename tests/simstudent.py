"""Simulated students with fixed misconceptions, for the practice and follow-up tests and `make bench`.

A student answers every item with the value its misconceptions give, computed here from the item's
question_params with the math module: nothing from xentlab.mistakes, the problem types' answer or
mistakes functions, or the kernels. Misconceptions:

  log10        every logarithm is the common one (log10); units: ln 10 where ln 2 belongs
  sign         drops the minus of −log (a negative loss; inverse: e^(+E))
  sum          sums the per-sample (per-token) losses where the mean is asked
  complement   leaves out the (1 − t) log(1 − y) term of binary cross-entropy
  wrong_class  reads the class after the true one (off by one, wrapping round)

A perplexity is exp of the loss the student computed (so log10 gives exp(mean −log10 p)).
"""

from __future__ import annotations

import math

import numpy as np

CODES = {"log10": "log_base_10", "sign": "sign_dropped", "sum": "sum_not_mean", "complement": "missing_complement",
         "wrong_class": "wrong_class"}
SKILL = {"log10": "natural_log", "sign": "sign", "sum": "mean_vs_sum", "complement": "complement", "wrong_class": "one_hot"}
STUDENTS = {  # name → misconceptions
    "always log10": frozenset({"log10"}),
    "drops the sign": frozenset({"sign"}),
    "sums for the mean": frozenset({"sum"}),
    "forgets the complement": frozenset({"complement"}),
    "wrong class": frozenset({"wrong_class"}),
    "log10 and no sign": frozenset({"log10", "sign"}),
}

# The rule each step of each derivation uses (from the derivations as README and `xentlab derive` show them).
STEP_RULES = {
    "multiclass": ("likelihood", "take_log", "log_product_to_sum", "log_power", "negate", "one_hot"),
    "binary": ("likelihood", "take_log", "log_product_to_sum", "log_power", "negate", "mean"),
    "multiclass-batch": ("likelihood", "take_log", "log_product_to_sum", "log_power", "negate", "mean"),
    "softmax-gradient": ("softmax", "take_log", "log_quotient", "log_exp", "substitute", "distribute", "sum_to_one",
                         "differentiate", "substitute_softmax"),
    "token-average": ("token_cross_entropy", "one_hot", "mean", "perplexity", "log_sum_to_product", "exp_log_power"),
}


def _log(mis):
    return math.log10 if "log10" in mis else math.log


def _loss(x: float, mis) -> float:
    """−log x as this student computes it."""
    value = -_log(mis)(x)
    return -value if "sign" in mis else value


def _class(true_class: int, classes: int, mis) -> int:
    return true_class % classes + 1 if "wrong_class" in mis else true_class


def _reduce(values: list[float], asked: str, mis) -> float:
    total = math.fsum(values)
    return total if asked == "sum" or "sum" in mis else total / len(values)


def _softmax(z: list[float]) -> list[float]:
    top = max(z)
    e = [math.exp(v - top) for v in z]
    return [v / math.fsum(e) for v in e]


def value(kind: str, p: dict, mis: frozenset[str]):
    """The number (or formula, or choice) this student writes for the item."""
    if kind == "ce-single":
        return _loss(p["y"][_class(p["true_class"], len(p["y"]), mis) - 1], mis)
    if kind == "ce-compare":
        c = _class(p["true_class"], len(p["y_a"]), mis) - 1
        return _loss(p["y_a"][c], mis) - _loss(p["y_b"][c], mis)
    if kind == "ce-batch":
        rows = p["y"]
        losses = [_loss(row[_class(label, len(row), mis) - 1], mis) for row, label in zip(rows, p["labels"])]
        return _reduce(losses, p["reduction"], mis)
    if kind == "binary-cross-entropy":
        losses = []
        for y, t in zip(p["y"], p["t"]):
            inside = t * _log(mis)(y) + (0 if "complement" in mis else (1 - t) * _log(mis)(1 - y))
            losses.append(inside if "sign" in mis else -inside)
        return _reduce(losses, "mean", mis)
    if kind == "sse":
        total = math.fsum((y - t) ** 2 for y, t in zip(p["y"], p["t"]))
        return total / 2 if p["half"] else total
    if kind == "softmax-cross-entropy":
        probs = _softmax(p["logits"])
        return _loss(probs[_class(p["true_class"], len(probs), mis) - 1], mis)
    if kind == "softmax-gradient":
        probs = _softmax(p["logits"])
        target = 1.0 if p["j"] == _class(p["true_class"], len(probs), mis) else 0.0
        return probs[p["j"] - 1] - target
    if kind == "token-loss":
        loss = _reduce([_loss(q, mis) for q in p["p"]], "mean", mis)
        return math.exp(loss) if p["ask"] == "perplexity" else loss
    if kind == "inverse":
        base = 10.0 if "log10" in mis else math.e
        return base ** (p["loss"] if "sign" in mis else -p["loss"])
    if kind == "units":
        ln = {"nats": 1.0, "bits": math.log(10) if "log10" in mis else math.log(2), "decimal": math.log(10)}
        return p["value"] * ln[p["from"]] / ln[p["to"]]
    if kind == "derive-step":
        return _formula(p, mis)
    if kind == "log-rule":
        return STEP_RULES[p["derivation"]][p["step"]]
    raise ValueError(f"no simulated answer for {kind}")


def _formula(p: dict, mis) -> str:
    log = "log10" if "log10" in mis else "log"
    if p["derivation"] == "binary":
        terms = [f"t*{log}(y)"] + ([] if "complement" in mis else [f"(1-t)*{log}(1-y)"])
    else:
        terms = [f"t{k}*{log}(y{k})" for k in range(1, p["classes"] + 1)]
    body = " + ".join(terms)
    if p["to"] == "log_L" or "sign" in mis:
        return body
    return f"-({body})"


def answer(kind: str, p: dict, mis: frozenset[str]) -> str:
    """As typed: a number to 4 significant figures, or the formula or rule id."""
    result = value(kind, p, mis)
    return f"{result:.4g}" if isinstance(result, float) else str(result)


# --- every single mistake, computed independently, for checking that an item can show it ------------

LOG_KINDS = ("ce-single", "ce-compare", "ce-batch", "binary-cross-entropy", "softmax-cross-entropy", "token-loss", "inverse", "units")
ORACLE_CODES = ("log_base_10", "log_base_2", "sign_dropped", "sum_not_mean", "mean_not_sum", "missing_complement", "wrong_class",
                "percent_scale", "probability_not_loss", "sse_instead_of_ce", "gradient_sign", "half_missing", "half_extra",
                "conversion_inverted", "complement_swapped")


def _mean(values):
    return math.fsum(values) / len(values)


def mistake_values(kind: str, p: dict, code: str) -> list[float] | None:
    """The value(s) one mistake alone gives on a numeric item, computed here; None when this oracle
    does not model the code for the kind (the caller treats that as a failure to check)."""
    mis = {"log_base_10": "log10", "sign_dropped": "sign", "sum_not_mean": "sum", "missing_complement": "complement"}.get(code)
    if mis is not None and kind in LOG_KINDS:
        return [value(kind, p, frozenset({mis}))]
    right = value(kind, p, frozenset())
    if code == "percent_scale":
        return [100 * right]
    if code == "log_base_2" and kind in LOG_KINDS:
        if kind == "units":
            ln = {"nats": 1.0, "bits": math.log(2), "decimal": math.log(2)}  # hartleys read as bits
            return [p["value"] * ln[p["from"]] / ln[p["to"]]]
        if kind == "inverse":
            return [2.0 ** -p["loss"]]
        scaled = [v / math.log(2) for v in _natural_parts(kind, p)]
        return [math.exp(scaled[0]) if kind == "token-loss" and p["ask"] == "perplexity" else scaled[0]]
    if code == "wrong_class" and kind == "ce-batch":
        return _batch_wrong_classes(p)
    if code == "wrong_class":
        probs = p["y"] if kind == "ce-single" else _softmax(p["logits"]) if kind == "softmax-cross-entropy" else None
        return None if probs is None else [-math.log(q) for k, q in enumerate(probs, start=1) if k != p["true_class"]]
    if code == "complement_swapped" and kind == "binary-cross-entropy":
        # y where 1 − y belongs (−[t log(1 − y) + (1 − t) log y]), or −log y whatever t is
        swapped = [_mean([-(t * math.log(1 - y) + (1 - t) * math.log(y)) for y, t in zip(p["y"], p["t"])])]
        return swapped + ([_mean([-math.log(y) for y in p["y"]])] if 0 in p["t"] else [])  # at t = 1 that is right
    if code == "mean_not_sum" and kind == "ce-batch" and p["reduction"] == "sum":
        return [right / len(p["y"])]
    if code == "probability_not_loss":
        if kind in ("ce-single", "softmax-cross-entropy"):
            probs = p["y"] if kind == "ce-single" else _softmax(p["logits"])
            return [probs[p["true_class"] - 1]]
        if kind == "ce-batch":
            return [_reduce([row[label - 1] for row, label in zip(p["y"], p["labels"])], p["reduction"], ())]
        if kind == "binary-cross-entropy":
            return [_mean([t * y + (1 - t) * (1 - y) for y, t in zip(p["y"], p["t"])])]
        if kind == "ce-compare":
            return [p["y_a"][p["true_class"] - 1] - p["y_b"][p["true_class"] - 1]]
        if kind == "token-loss" and p["ask"] == "loss":
            return [_mean(p["p"])]
    if code == "sse_instead_of_ce":
        if kind in ("ce-single", "softmax-cross-entropy"):
            probs = p["y"] if kind == "ce-single" else _softmax(p["logits"])
            return [math.fsum((q - (k == p["true_class"])) ** 2 for k, q in enumerate(probs, start=1))]
        if kind == "ce-batch":
            return [_reduce([math.fsum((q - (k == label)) ** 2 for k, q in enumerate(row, start=1)) for row, label in zip(p["y"], p["labels"])],
                            p["reduction"], ())]
        if kind == "binary-cross-entropy":
            return [_mean([(y - t) ** 2 for y, t in zip(p["y"], p["t"])])]
    if code == "gradient_sign" and kind == "softmax-gradient":
        return [-right]
    if code == ("half_missing" if kind == "sse" and p["half"] else "half_extra") and kind == "sse":
        return [2 * right if p["half"] else right / 2]
    if code == "conversion_inverted" and kind == "units":
        ln = {"nats": 1.0, "bits": math.log(2), "decimal": math.log(10)}
        return [p["value"] * ln[p["to"]] / ln[p["from"]]]
    return None


def _batch_wrong_classes(p: dict) -> list[float]:
    """A batch read with the wrong class: every label shifted by one, every sample's argmax class,
    or one sample's label replaced by its argmax or a neighbour (labels in the key count from 1)."""
    rows, labels = p["y"], p["labels"]
    right = [-math.log(row[label - 1]) for row, label in zip(rows, labels)]
    argmax = [max(range(len(row)), key=lambda k: (row[k], -k)) + 1 for row in rows]
    choices = []
    for shift in (1, -1):
        if all(1 <= label + shift <= len(row) for row, label in zip(rows, labels)):
            choices.append([row[label + shift - 1] for row, label in zip(rows, labels)])
    if argmax != list(labels):
        choices.append([row[c - 1] for row, c in zip(rows, argmax)])
    values = [_reduce([-math.log(q) for q in chosen], p["reduction"], ()) for chosen in choices]
    for i, (row, label) in enumerate(zip(rows, labels)):
        for c in {argmax[i], label + 1, label - 1}:
            if c != label and 1 <= c <= len(row):
                one = list(right)
                one[i] = -math.log(row[c - 1])
                values.append(_reduce(one, p["reduction"], ()))
    return values


def _natural_parts(kind: str, p: dict) -> list[float]:
    """The right loss in nats (before any exp), for rescaling to another base."""
    if kind == "token-loss":
        return [_mean([-math.log(q) for q in p["p"]])]
    return [value(kind, p, frozenset())]


def formula_value(p: dict, mis: frozenset[str], point: dict[str, float]) -> float:
    """The derive-step formula this student writes, evaluated at a point with the math module."""
    log = math.log10 if "log10" in mis else math.log
    if p["derivation"] == "binary":
        y, t = point["y"], point["t"]
        body = t * log(y) + (0 if "complement" in mis else (1 - t) * log(1 - y))
    else:
        body = math.fsum(point[f"t{k}"] * log(point[f"y{k}"]) for k in range(1, p["classes"] + 1))
    return body if p["to"] == "log_L" or "sign" in mis else -body


# --- the independent check that a sheet's item can show its target -----------------------------------

RTOL = 0.005
FORMULA_MISCONCEPTION = {"log_base_10": "log10", "sign_dropped": "sign", "missing_complement": "complement"}


def apart(a: float, b: float) -> bool:
    """The ±0.5 % bands around a and b do not touch."""
    return abs(a - b) > RTOL * (abs(a) + abs(b))


def assert_discriminates(entry: dict) -> int:
    """The item (a key.json entry with "target") can show its target skill, by values computed here.
    Returns how many target codes were checked independently (the caller wants at least one)."""
    from xentlab.skills import SKILL_OF as _SKILL_OF  # the table itself is data, not a computation
    kind, p, target = entry["kind"], entry["question_params"], entry["target"]
    assert all(_SKILL_OF[c] == target["skill"] for c in target["codes"])
    if kind == "log-rule":
        assert target["skill"] == "log_rules" and len(p["choices"]) >= 2
        assert entry["answer"] == STEP_RULES[p["derivation"]][p["step"]] and entry["answer"] in p["choices"]
        return 1
    if entry["answer_kind"] == "expression":
        rng = np.random.default_rng(entry["id"])
        checked = 0
        for code in target["codes"]:
            if code not in FORMULA_MISCONCEPTION:
                continue
            names = ["y", "t"] if p["derivation"] == "binary" else [f"{s}{k}" for s in "yt" for k in range(1, p["classes"] + 1)]
            point = {name: float(rng.uniform(0.05, 0.95)) for name in names}
            right = formula_value(p, frozenset(), point)
            wrong = formula_value(p, frozenset({FORMULA_MISCONCEPTION[code]}), point)
            assert abs(right - wrong) > 1e-6, (code, entry)
            checked += 1
        return checked
    right = value(kind, p, frozenset())
    assert math.isclose(right, entry["answer"], rel_tol=1e-9, abs_tol=1e-12), (right, entry)
    checked = 0
    for code in target["codes"]:
        values = mistake_values(kind, p, code)
        if values is None:
            continue
        if len(values) > 1:  # several readings of one mistake (which class, which sample): one that gives
            values = [v for v in values if apart(v, right)]  # the right answer anyway is no mistake here
            assert values, (code, entry)
        others = [w for c in ORACLE_CODES if c != code for w in (mistake_values(kind, p, c) or [])]
        for v in values:
            assert apart(v, right), (code, v, right, entry)
            for w in others:
                assert apart(v, w), (code, v, w, entry)
        checked += 1
    return checked


