"""Simulated students with fixed misconceptions, for the practice and follow-up tests and `make bench`.

A student answers every item with the value its misconceptions give, computed here from the item's
question_params with the math module: nothing from xentlab.mistakes, the problem types' answer or
mistakes functions, or the kernels. Misconceptions:

  log10        every logarithm is the common one (log10); units: ln 10 where ln 2 belongs
  sign         drops the minus of −log (a negative loss; inverse: e^(+E))
  sum          sums the per-sample (per-token) losses where the mean is asked
  complement   leaves out the (1 − t) log(1 − y) term of binary cross-entropy
  wrong_class  reads the class after the true one (off by one, wrapping round), for every sample of
               a batch and for both predictions of a comparison; in a softmax gradient it takes
               that class for the true one (so its t_j is wrong where j is either of the two)

A perplexity is exp of the loss the student computed (so log10 gives exp(mean −log10 p)).

`simulate` drives a practice session with such a student (tests/test_practice.py and
bench/bench_practice.py share it); `readings` and `assert_discriminates` are the independent check
that an item can show what it targets.
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
    """As typed: a number to 4 significant figures, trailing zeros kept (0.8900, not 0.89, which the
    checker would call too few significant figures), or the formula or rule id."""
    result = value(kind, p, mis)
    return f"{result:#.4g}" if isinstance(result, float) else str(result)


# --- a practice session answered by a simulated student ---------------------------------------------


def simulate(mis, seed: int, stop_after: int | None = None, skills=None, max_items: int = 40, types=(), lang: str = "en"):
    """A whole `xentlab practice` session (difficulty 2) answered with these misconceptions, which
    stop after item `stop_after` if given; returns the session and P(mastered) of each skill after
    every item."""
    from xentlab.practice import Session, Settings
    from xentlab.skills import SKILLS

    s = Session(Settings(seed, tuple(skills or SKILLS), max_items, 2, tuple(types), lang))
    history = []
    while not s.done:
        item = s.next_item()
        if item is None:
            break
        active = mis if stop_after is None or len(s.asked) < stop_after else frozenset()
        outcome = s.respond(answer(item.kind, item.params, active))
        assert outcome.counted, (item, outcome.verdict)  # the checker reads every simulated answer
        history.append(dict(s.p))
    return s, history


def items_to_diagnosis(session, mis) -> int | None:
    """The item by which practice has named every misconception of the student (None: never)."""
    wanted, named = {CODES[m] for m in mis}, set()
    for item in session.asked:
        named |= set(item.diagnosis)
        if wanted <= named:
            return item.number
    return None


def items_to_mastery(history, mis, stop_after: int) -> int | None:
    """Items after the misconceptions stopped until every skill they belong to is mastered (None: never)."""
    from xentlab.bkt import MASTERED

    skills = {SKILL[m] for m in mis}
    return next((n + 1 - stop_after for n in range(stop_after, len(history)) if all(history[n][k] >= MASTERED for k in skills)), None)


# --- every single mistake, computed independently, for checking that an item can show it ------------
#
# readings(kind, p, code) is every value one mistake alone gives on a numeric item — one per reading
# (which class, which sample), also a reading that happens to give the right answer here — or [] when
# the mistake cannot be made on the item at all (a sum asked: no "sum for the mean"; one sample: no
# "one term in another base"). The readings are stated here from what each mistake means (README's
# list of codes and issue 11), never taken from xentlab's catalogue.

SKILL_CODES = {  # the codes of each skill that an item's numbers can show (skills.WITHOUT_WITNESS left out)
    "natural_log": ("log_base_10", "log_base_2"),
    "sign": ("sign_dropped",),
    "one_hot": ("wrong_class",),
    "mean_vs_sum": ("sum_not_mean", "mean_not_sum"),
    "complement": ("missing_complement", "complement_swapped"),
    "loss_formula": ("probability_not_loss", "sse_instead_of_ce", "swapped_t_y", "dropped_term"),
    "squared_error": ("half_missing", "half_extra", "mean_over_classes"),
    "softmax_gradient": ("gradient_sign",),
    "chain_rule": (),
    "log_rules": (),
    "units": ("conversion_inverted", "base_e_not_bits", "base_e_not_decimal"),
    "reading_question": ("percent_scale", "perplexity_not_loss", "loss_not_perplexity"),
}
ORACLE_CODES = tuple(c for codes in SKILL_CODES.values() for c in codes)
ONE_HOT_KINDS = ("ce-single", "softmax-cross-entropy")


def _mean(values):
    return math.fsum(values) / len(values)


def _probs(kind: str, p: dict) -> list[float]:
    return p["y"] if kind == "ce-single" else _softmax(p["logits"])


def _samples(kind: str, p: dict) -> int:
    return {"ce-batch": lambda: len(p["y"]), "binary-cross-entropy": lambda: len(p["y"]), "token-loss": lambda: len(p["p"])}.get(kind, lambda: 1)()


def _nats(kind: str, p: dict) -> list[float]:
    """The right per-sample (per-token) losses in nats, and how the question reduces them."""
    if kind == "ce-batch":
        return [-math.log(row[label - 1]) for row, label in zip(p["y"], p["labels"])]
    if kind == "binary-cross-entropy":
        return [-(t * math.log(y) + (1 - t) * math.log(1 - y)) for y, t in zip(p["y"], p["t"])]
    if kind == "token-loss":
        return [-math.log(q) for q in p["p"]]
    if kind == "ce-single":
        return [-math.log(p["y"][p["true_class"] - 1])]
    return [-math.log(_softmax(p["logits"])[p["true_class"] - 1])]


def _as_asked(kind: str, p: dict, per_sample: list[float], reduction: str | None = None) -> float:
    """Per-sample values (in the answer's unit) reduced as the question asks; a perplexity is their exp."""
    reduction = reduction or p.get("reduction", "mean")
    value = math.fsum(per_sample) if reduction == "sum" else _mean(per_sample)
    return math.exp(value) if kind == "token-loss" and p["ask"] == "perplexity" else value


def readings(kind: str, p: dict, code: str) -> list[float]:
    right = value(kind, p, frozenset())
    log_kinds = ("ce-single", "ce-compare", "ce-batch", "binary-cross-entropy", "softmax-cross-entropy", "token-loss")
    if code in ("log_base_10", "log_base_2"):
        ln = math.log(10) if code == "log_base_10" else math.log(2)
        if kind in log_kinds:
            if kind == "ce-compare":
                return [right / ln]
            return [_as_asked(kind, p, [v / ln for v in _nats(kind, p)])]
        if kind == "inverse":
            return [(10.0 if code == "log_base_10" else 2.0) ** -p["loss"]]
        if kind == "units":  # ln 10 where ln 2 belongs (bits read as hartleys), or ln 2 where ln 10 belongs
            side, wrong = ("bits", math.log(10)) if code == "log_base_10" else ("decimal", math.log(2))
            if "nats" not in (p["from"], p["to"]) or side not in (p["from"], p["to"]):
                return []
            ln_of = {"nats": 1.0, "bits": math.log(2), "decimal": math.log(10), side: wrong}
            return [p["value"] * ln_of[p["from"]] / ln_of[p["to"]]]
        return []
    if code == "sign_dropped":
        if kind in log_kinds and not (kind == "token-loss" and p["ask"] == "perplexity"):
            return [-right]
        if kind == "token-loss":
            return [1 / right]  # exp of the loss with its sign dropped
        return [math.exp(p["loss"])] if kind == "inverse" else []
    if code == "sum_not_mean":
        if kind in ("ce-batch", "binary-cross-entropy", "token-loss") and _samples(kind, p) > 1 and p.get("reduction", "mean") == "mean":
            return [_as_asked(kind, p, _nats(kind, p), "sum")]
        return []
    if code == "mean_not_sum":
        return [right / len(p["y"])] if kind == "ce-batch" and p["reduction"] == "sum" and len(p["y"]) > 1 else []
    if code == "missing_complement":
        return [_mean([-t * math.log(y) for y, t in zip(p["y"], p["t"])])] if kind == "binary-cross-entropy" else []
    if code == "complement_swapped":
        if kind != "binary-cross-entropy":
            return []
        # y where 1 − y belongs (−[t log(1 − y) + (1 − t) log y]), and −log y whatever t is (right where t = 1)
        return [_mean([-(t * math.log(1 - y) + (1 - t) * math.log(y)) for y, t in zip(p["y"], p["t"])]),
                _mean([-math.log(y) for y in p["y"]])]
    if code == "wrong_class":
        return _wrong_class(kind, p)
    if code == "probability_not_loss":
        if kind in ONE_HOT_KINDS:
            return [_probs(kind, p)[p["true_class"] - 1]]
        if kind == "ce-batch":
            return [_as_asked(kind, p, [row[label - 1] for row, label in zip(p["y"], p["labels"])])]
        if kind == "binary-cross-entropy":
            return [_mean([t * y + (1 - t) * (1 - y) for y, t in zip(p["y"], p["t"])])]
        if kind == "ce-compare":
            return [p["y_a"][p["true_class"] - 1] - p["y_b"][p["true_class"] - 1]]
        return [_mean(p["p"])] if kind == "token-loss" and p["ask"] == "loss" else []
    if code == "sse_instead_of_ce":
        if kind in ONE_HOT_KINDS:
            return [math.fsum((q - (k == p["true_class"])) ** 2 for k, q in enumerate(_probs(kind, p), start=1))]
        if kind == "ce-batch":
            return [_as_asked(kind, p, [math.fsum((q - (k == label)) ** 2 for k, q in enumerate(row, start=1))
                                        for row, label in zip(p["y"], p["labels"])])]
        return [_mean([(y - t) ** 2 for y, t in zip(p["y"], p["t"])])] if kind == "binary-cross-entropy" else []
    if code in ("swapped_t_y", "dropped_term"):
        return []  # numeric items: log 0 of a one-hot target is no number; a dropped term is a formula mistake
    if code == "gradient_sign":
        return [-right] if kind == "softmax-gradient" else []
    if code in ("half_missing", "half_extra"):
        if kind != "sse" or (code == "half_missing") != p["half"]:
            return []
        return [2 * right] if p["half"] else [right / 2]
    if code == "mean_over_classes":
        return [right / len(p["y"])] if kind == "sse" and len(p["y"]) > 1 else []
    if code == "conversion_inverted":
        ln = {"nats": 1.0, "bits": math.log(2), "decimal": math.log(10)}
        return [p["value"] * ln[p["to"]] / ln[p["from"]]] if kind == "units" else []
    if code in ("base_e_not_bits", "base_e_not_decimal"):
        wanted = "bits" if code == "base_e_not_bits" else "decimal"
        return [p["value"]] if kind == "units" and p["from"] == "nats" and p["to"] == wanted else []
    if code == "percent_scale":
        return [] if kind == "token-loss" and p["ask"] == "perplexity" else [100 * right]
    if code == "perplexity_not_loss":
        return [math.exp(right)] if kind == "token-loss" and p["ask"] == "loss" else []
    if code == "loss_not_perplexity":
        return [_mean(_nats(kind, p))] if kind == "token-loss" and p["ask"] == "perplexity" else []
    raise ValueError(f"the oracle does not know {code}")


def _wrong_class(kind: str, p: dict) -> list[float]:
    """Every reading of "the wrong class": for one sample, every other class; for a batch, every label
    shifted by one either way (wrapping round), every sample's argmax class, and one sample's label
    replaced by its argmax or a neighbour; for two predictions, one other class for both, or each
    prediction's own argmax; for the softmax gradient, another component's y_k − t_k, y_j − 1 as if
    class j were the true one, and y_j as if another class were (right unless j is the true class)."""
    if kind in ONE_HOT_KINDS:
        probs = _probs(kind, p)
        return [-math.log(q) for k, q in enumerate(probs, start=1) if k != p["true_class"]]
    if kind == "ce-batch":
        return _batch_wrong_classes(p)
    if kind == "ce-compare":
        c, a, b = p["true_class"], p["y_a"], p["y_b"]
        values = [math.log(b[k - 1]) - math.log(a[k - 1]) for k in range(1, len(a) + 1) if k != c]
        return values + [math.log(b[_argmax(b)]) - math.log(a[_argmax(a)])]
    if kind == "softmax-gradient":
        probs, j, c = _softmax(p["logits"]), p["j"], p["true_class"]
        values = [probs[k - 1] - (k == c) for k in range(1, len(probs) + 1) if k != j]
        return values + ([probs[j - 1] - 1] if j != c else []) + [probs[j - 1]]
    return []


def _argmax(row: list[float]) -> int:
    return max(range(len(row)), key=lambda k: (row[k], -k))


def _batch_wrong_classes(p: dict) -> list[float]:
    """A batch read with the wrong class (labels in the key count from 1): every label shifted by one,
    wrapping round (class 1 − 1 is the last, as NumPy's y[-1]), every sample's argmax class, or one
    sample's label replaced by its argmax or a neighbour."""
    rows, labels = p["y"], p["labels"]
    right = [-math.log(row[label - 1]) for row, label in zip(rows, labels)]
    argmax = [_argmax(row) + 1 for row in rows]
    choices = [[row[(label - 1 + shift) % len(row)] for row, label in zip(rows, labels)] for shift in (1, -1)]
    choices.append([row[c - 1] for row, c in zip(rows, argmax)])
    values = [_as_asked("ce-batch", p, [-math.log(q) for q in chosen]) for chosen in choices]
    for i, (row, label) in enumerate(zip(rows, labels)):
        for c in {argmax[i], label + 1, label - 1}:
            if c != label and 1 <= c <= len(row):
                one = list(right)
                one[i] = -math.log(row[c - 1])
                values.append(_as_asked("ce-batch", p, one))
    return values


def mixed_base_values(kind: str, p: dict) -> list[float]:
    """One term of a batch, a token list or a comparison in base 10 or 2 and the others in ln: named
    by the base and mixed_base together, so they are other explanations for every single code."""
    values = []
    for ln in (math.log(10), math.log(2)):
        if kind == "ce-compare":
            e_a, e_b = -math.log(p["y_a"][p["true_class"] - 1]), -math.log(p["y_b"][p["true_class"] - 1])
            values += [e_a / ln - e_b, e_a - e_b / ln]
        elif kind in ("ce-batch", "binary-cross-entropy", "token-loss") and _samples(kind, p) > 1:
            per = _nats(kind, p)
            values += [_as_asked(kind, p, [v / ln if i == n else v for i, v in enumerate(per)]) for n in range(len(per))]
    return values


def formula_value(p: dict, mis, point: dict[str, float]) -> float:
    """A derive-step formula with one mistake (`mis`: log10, log2, sign, swap, complement, or
    ("drop", k) for leaving out term k), evaluated at a point with the math module."""
    log = math.log10 if "log10" in mis else math.log2 if "log2" in mis else math.log
    swap = "swap" in mis
    dropped = next((m[1] for m in mis if isinstance(m, tuple)), None)

    def term(t, y):
        return y * log(t) if swap else t * log(y)

    if p["derivation"] == "binary":
        y, t = point["y"], point["t"]
        terms = [term(t, y), term(1 - t, 1 - y)]
        if "complement" in mis:
            terms[1] = 0.0
    else:
        terms = [term(point[f"t{k}"], point[f"y{k}"]) for k in range(1, p["classes"] + 1)]
    if dropped is not None:
        terms[dropped] = 0.0
    body = math.fsum(terms)
    return body if p["to"] == "log_L" or "sign" in mis else -body


def formula_readings(p: dict, code: str) -> list[frozenset]:
    """The misconceptions (for formula_value) that make `code` on a derive-step item; [] where it cannot be made."""
    if code == "sign_dropped":
        return [frozenset({"sign"})] if p["to"] == "E" else []
    if code in ("log_base_10", "log_base_2"):
        return [frozenset({"log10" if code == "log_base_10" else "log2"})]
    if code == "swapped_t_y":
        return [frozenset({"swap"})]
    if code == "missing_complement":
        return [frozenset({"complement"})] if p["derivation"] == "binary" else []
    if code == "dropped_term":
        terms = 1 if p["derivation"] == "binary" else p["classes"]  # binary: the t log y term (the other is the complement)
        return [frozenset({("drop", k)}) for k in range(terms)]
    return []


# --- the independent check that a sheet's item can show its target -----------------------------------

RTOL = 0.005


def apart(a: float, b: float) -> bool:
    """The ±0.5 % bands around a and b do not touch."""
    return abs(a - b) > RTOL * (abs(a) + abs(b))


def accepted(a: float, right: float) -> bool:
    """The checker takes a for the right answer (within 0.5 % of it): an explanation there is never named."""
    return abs(a - right) <= RTOL * abs(right)


def deciding(skill: str, own, possible) -> set[str]:
    """The rule (README, Skills and mastery): the codes of the skill that can be made on the item, or
    of those the student's own."""
    own = {c for c in own if c in SKILL_CODES[skill]}
    return set(possible) & own if own else set(possible)


def assert_discriminates(entry: dict, own=None) -> int:
    """The item (a key.json entry with "target") shows its target skill, by values computed here: every
    code of the skill that can be made on the item (of the student's own codes, where the entry or
    `own` gives them) has every reading apart from the right answer and from every other explanation
    modelled here, and so has every code the key claims. Returns how many codes were checked."""
    from xentlab.skills import SKILL_OF as _SKILL_OF  # the table itself is data, not a computation
    kind, p, target = entry["kind"], entry["question_params"], entry["target"]
    skill = target["skill"]
    own = target.get("seen_codes", []) if own is None else own
    assert all(_SKILL_OF[c] == skill for c in target["codes"])
    if kind == "log-rule":
        assert skill == "log_rules" and len(p["choices"]) >= 2
        assert entry["answer"] == STEP_RULES[p["derivation"]][p["step"]] and entry["answer"] in p["choices"]
        return 1
    if entry["answer_kind"] == "expression":
        possible = [c for c in SKILL_CODES[skill] if formula_readings(p, c)]
        codes = deciding(skill, own, possible) | set(target["codes"])
        assert codes, entry
        rng = np.random.default_rng(entry["id"])
        names = ["y", "t"] if p["derivation"] == "binary" else [f"{s}{k}" for s in "yt" for k in range(1, p["classes"] + 1)]
        point = {name: float(rng.uniform(0.05, 0.95)) for name in names}
        right = formula_value(p, frozenset(), point)
        others = {c: [formula_value(p, m, point) for m in formula_readings(p, c)] for c in ORACLE_CODES}
        for code in sorted(codes):
            wrong = [formula_value(p, m, point) for m in formula_readings(p, code)]
            assert wrong, (code, entry)
            for v in wrong:
                assert abs(v - right) > 1e-6, (code, entry)
                assert all(abs(v - w) > 1e-6 for c, ws in others.items() if c != code for w in ws), (code, entry)
        return len(codes)
    right = value(kind, p, frozenset())
    assert math.isclose(right, entry["answer"], rel_tol=1e-9, abs_tol=1e-12), (right, entry)
    possible = [c for c in SKILL_CODES[skill] if readings(kind, p, c)]
    codes = deciding(skill, own, possible) | set(target["codes"])
    assert codes, ("the item can make none of the skill's mistakes (of the student's own)", entry)
    for code in sorted(codes):
        values = readings(kind, p, code)
        assert values, (code, "cannot be made on", entry)
        others = [w for c in ORACLE_CODES if c != code for w in readings(kind, p, c)] + mixed_base_values(kind, p)
        others = [w for w in others if not accepted(w, right)]
        for v in values:
            assert apart(v, right), (code, v, right, entry)
            for w in others:
                assert apart(v, w), (code, v, w, entry)
    return len(codes)
