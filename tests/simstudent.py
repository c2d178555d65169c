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
    if kind == "bce":
        losses = []
        for y, t in zip(p["y"], p["t"]):
            inside = t * _log(mis)(y) + (0 if "complement" in mis else (1 - t) * _log(mis)(1 - y))
            losses.append(inside if "sign" in mis else -inside)
        return _reduce(losses, "mean", mis)
    if kind == "sse":
        total = math.fsum((y - t) ** 2 for y, t in zip(p["y"], p["t"]))
        return total / 2 if p["half"] else total
    if kind == "softmax-ce":
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
