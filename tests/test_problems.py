"""Problem types: every type × 200 seeds (valid parameters, answers equal to an independent
math/mpmath computation, worked solutions equal to the kernels, proved steps, computed
mistakes), rendering in md/tex × ja/en, hand-checked values from the seed articles, and
golden files for seed 0 of every type.

Expected numbers come from the math module, mpmath, Fraction or the seed articles; never
from the code under test.
"""

import json
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from xentlab import worksheet as ws
from xentlab.problems import Answer, registry
from xentlab.verify import rng_for

SEEDS = 200
RENDER_SEEDS = 18  # per type, spread over the three difficulties, rendered in all 4 fmt × lang
ISSUE_TYPES = {"ce-single", "ce-compare", "ce-batch", "binary-cross-entropy", "sse", "softmax-cross-entropy", "softmax-gradient",
               "token-loss", "inverse", "units", "derive-step", "log-rule"}
# mistakes.py's public codes, plus conversion_inverted (units: multiplied by the factor instead of dividing)
CODES = {"log_base_10", "log_base_2", "sign_dropped", "wrong_class", "sum_not_mean", "mean_not_sum", "swapped_t_y",
         "missing_complement", "sse_instead_of_ce", "probability_not_loss", "percent_scale", "half_missing",
         "half_extra", "gradient_sign", "conversion_inverted", "complement_swapped", "mean_over_classes",
         "perplexity_not_loss", "loss_not_perplexity", "base_e_not_bits", "base_e_not_decimal", "mixed_base"}
REL = 1e-12


def draws(kind, seeds=SEEDS):
    module = registry()[kind]
    for seed in range(seeds):
        difficulty = 1 + seed % 3
        yield seed, difficulty, module.sample(rng_for(seed, 1), difficulty)


# --- independent checks of the parameters ----------------------------------------------------


def two_decimals(v):
    return isinstance(v, float) and 0 < v < 1 and Fraction(str(v)) * 100 == int(Fraction(str(v)) * 100)


def distribution(values):
    """2-decimal probabilities in (0, 1), pairwise distinct, summing to exactly 1 as decimals."""
    return (all(two_decimals(v) for v in values) and sum(Fraction(str(v)) for v in values) == 1
            and len(set(values)) == len(values))


def one_decimal(v):
    return isinstance(v, float) and Fraction(str(v)) * 10 == int(Fraction(str(v)) * 10)


def valid(kind, p):
    if kind == "ce-single":
        return distribution(p["y"]) and 3 <= len(p["y"]) <= 6 and 1 <= p["true_class"] <= len(p["y"])
    if kind == "ce-compare":
        c = p["true_class"] - 1
        return (distribution(p["y_a"]) and distribution(p["y_b"]) and len(p["y_a"]) == len(p["y_b"])
                and 0 <= c < len(p["y_a"]) and abs(p["y_a"][c] - p["y_b"][c]) >= 0.05 - 1e-9)
    if kind == "ce-batch":
        rows = p["y"]
        return (all(distribution(r) for r in rows) and len({tuple(r) for r in rows}) == len(rows)
                and all(1 <= c <= len(rows[0]) for c in p["labels"]) and len(p["labels"]) == len(rows)
                and p["reduction"] in ("mean", "sum"))
    if kind == "binary-cross-entropy":
        return (all(two_decimals(v) and v != 0.5 for v in p["y"]) and set(p["t"]) <= {0, 1}
                and len(p["t"]) == len(p["y"]) and len(set(p["y"])) == len(p["y"]))
    if kind == "sse":
        one_hot = sum(p["t"]) == 1
        return (all(two_decimals(v) for v in p["y"]) and set(p["t"]) <= {0, 1} and 1 in p["t"]
                and isinstance(p["half"], bool) and (distribution(p["y"]) if one_hot else len(set(p["y"])) == len(p["y"])))
    if kind in ("softmax-cross-entropy", "softmax-gradient"):
        z = p["logits"]
        ok = all(one_decimal(v) and abs(v) <= 4 for v in z) and len(set(z)) == len(z) and 1 <= p["true_class"] <= len(z)
        return ok and (kind == "softmax-cross-entropy" or 1 <= p["j"] <= len(z))
    if kind == "token-loss":
        return all(two_decimals(v) for v in p["p"]) and len(set(p["p"])) == len(p["p"]) and p["ask"] in ("loss", "perplexity")
    if kind == "inverse":
        return p["loss"] > 0 and float(f"{p['loss']:.4g}") == p["loss"]
    if kind == "units":
        return p["from"] != p["to"] and {p["from"], p["to"]} <= {"nats", "bits", "decimal"} and p["value"] > 0
    if kind == "derive-step":
        return (p["to"] in ("log_L", "E") and p["from"] in ("L", "log_L") and p["notation"] in ("written", "sigma")
                and (p["derivation"] == "binary" or 2 <= p["classes"] <= 8))
    if kind == "log-rule":
        from xentlab.problems.log_rule import RULES, TWINS

        answer = registry()[kind].answer(p).value
        return (len(p["choices"]) == 4 and len(set(p["choices"])) == 4 and answer in p["choices"]
                and set(p["choices"]) <= set(RULES) and TWINS.get(answer) not in p["choices"])
    raise AssertionError(kind)


# --- independent answers (math / mpmath) -----------------------------------------------------


def reference(kind, p):
    if kind == "ce-single":
        return -math.log(p["y"][p["true_class"] - 1])
    if kind == "ce-compare":
        c = p["true_class"] - 1
        return math.log(p["y_b"][c]) - math.log(p["y_a"][c])
    if kind == "ce-batch":
        losses = [-math.log(row[c - 1]) for row, c in zip(p["y"], p["labels"])]
        return math.fsum(losses) / (len(losses) if p["reduction"] == "mean" else 1)
    if kind == "binary-cross-entropy":
        losses = [-(t * math.log(y) + (1 - t) * math.log(1 - y)) for y, t in zip(p["y"], p["t"])]
        return math.fsum(losses) / len(losses)
    if kind == "sse":
        return (0.5 if p["half"] else 1.0) * math.fsum((y - t) ** 2 for y, t in zip(p["y"], p["t"]))
    if kind == "softmax-cross-entropy":
        z = [mpmath.mpf(v) for v in p["logits"]]
        return float(mpmath.log(mpmath.fsum(mpmath.exp(v) for v in z)) - z[p["true_class"] - 1])
    if kind == "softmax-gradient":
        z = [mpmath.mpf(v) for v in p["logits"]]
        y_j = mpmath.exp(z[p["j"] - 1]) / mpmath.fsum(mpmath.exp(v) for v in z)
        return float(y_j - (1 if p["j"] == p["true_class"] else 0))
    if kind == "token-loss":
        loss = -math.fsum(math.log(v) for v in p["p"]) / len(p["p"])
        return loss if p["ask"] == "loss" else math.exp(loss)
    if kind == "inverse":
        return math.exp(-p["loss"])
    if kind == "units":
        ln = {"nats": 1.0, "bits": math.log(2), "decimal": math.log(10)}
        return p["value"] * ln[p["from"]] / ln[p["to"]]
    raise AssertionError(kind)


NUMERIC = sorted(ISSUE_TYPES - {"derive-step", "log-rule"})


def test_registry_has_the_twelve_types():
    assert set(registry()) >= ISSUE_TYPES
    assert len(registry()) >= 10
    assert set(ws.all_types()) == {k for k, m in registry().items() if not getattr(m, "OPT_IN", False)}


@pytest.mark.parametrize("kind", sorted(ISSUE_TYPES))
def test_every_type_over_200_seeds(kind):
    """Valid JSON-able params, a finite answer equal to math/mpmath, the worked solution's number equal
    to the kernel's answer, every derivation used proved, and computed mistakes that are all wrong."""
    module = registry()[kind]
    for seed, difficulty, p in draws(kind):
        where = f"{kind} seed {seed} difficulty {difficulty}: {p}"
        assert json.loads(json.dumps(p)) == p, where
        assert valid(kind, p), where
        answer = module.answer(p)
        assert isinstance(answer, Answer)
        sol = module.solution(p)
        assert sol["derivations"] is not None and all(d.verified for d in sol["derivations"]), where
        if kind in NUMERIC:
            assert answer.kind == "number" and math.isfinite(answer.value), where
            expected = reference(kind, p)
            assert answer.value == pytest.approx(expected, rel=REL, abs=1e-15), where
            assert sol["value"] == pytest.approx(answer.value, rel=REL, abs=1e-15), where
            assert sol["value"] == pytest.approx(expected, rel=REL, abs=1e-15), where
            for mistake in module.mistakes(p):
                assert set(mistake.codes) <= CODES and mistake.codes, where
                assert math.isfinite(mistake.value), where
                assert abs(mistake.value - expected) > 0.005 * max(abs(expected), abs(mistake.value)), (where, mistake)
        else:
            assert module.mistakes(p) == []


def test_derive_step_answers_are_the_derived_expressions():
    """The typed answer parses with the safe parser and equals Σ t log y (or its negation) at random points."""
    from xentlab.parse import parse_expression

    module = registry()["derive-step"]
    rng = np.random.default_rng(12345)
    for seed, difficulty, p in draws("derive-step", 40):
        answer = module.answer(p)
        assert answer.kind == "expression"
        expr = parse_expression(answer.value)
        assert {str(s) for s in expr.free_symbols} == set(answer.symbols)
        sign = -1 if p["to"] == "E" else 1
        for _ in range(8):
            if p["derivation"] == "binary":
                y, t = rng.uniform(0.05, 0.95), rng.uniform(0, 1)
                point = {"y": y, "t": t}
                expected = sign * (t * math.log(y) + (1 - t) * math.log(1 - y))
            else:
                y = rng.dirichlet(np.ones(p["classes"]))
                t = rng.dirichlet(np.ones(p["classes"]))
                point = {f"y{q + 1}": y[q] for q in range(p["classes"])} | {f"t{q + 1}": t[q] for q in range(p["classes"])}
                expected = sign * math.fsum(t[q] * math.log(y[q]) for q in range(p["classes"]))
            names = sorted(point)
            got = sp.lambdify([sp.Symbol(n) for n in names], expr.xreplace({s: sp.Symbol(str(s)) for s in expr.free_symbols}), "math")(*(point[n] for n in names))
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-14), (p, answer.value)
        sol = module.solution(p)
        assert all(step.verified for step in sol["steps"])
        assert sol["steps"][-1].rule == ("negate" if p["to"] == "E" else "log_power")


def test_log_rule_table_matches_the_derivations():
    from xentlab.derivations import derive
    from xentlab.problems._chains import CHAIN_RULES, chain
    from xentlab.problems.log_rule import STEP_RULES

    for name, rules in STEP_RULES.items():
        d = derive(name, classes=3) if name == "multiclass" else derive(name)
        assert tuple(step.rule for step in d.steps) == rules
    for name, rules in CHAIN_RULES.items():
        for notation in ("written", "sigma"):
            d = chain(name, 4, notation)
            assert tuple(step.rule for step in d.steps) == rules and d.verified
    module = registry()["log-rule"]
    for seed, difficulty, p in draws("log-rule", 60):
        sol = module.solution(p)
        assert sol["after"].rule == module.answer(p).value and sol["after"].verified and sol["before"].verified
        assert p["choices"][ord(sol["letter"]) - ord("A")] == sol["after"].rule


def test_every_type_renders_in_md_and_tex_in_ja_and_en():
    """StrictUndefined makes a missing variable fail; each rendered key shows each answer to 3 s.f."""
    items = []
    for kind in ws.all_types():
        for seed, difficulty, p in draws(kind, RENDER_SEEDS):
            items.append(ws.Item(len(items) + 1, kind, p, registry()[kind].answer(p)))
    sheet = ws.Sheet(seed=0, difficulty=2, types=ws.all_types(), items=tuple(items))
    for fmt in ("md", "tex"):
        for lang in ("ja", "en"):
            worksheet, answers = ws.render(sheet, fmt, lang)
            assert "None" not in worksheet and "None" not in answers
            for item in items:
                if item.answer.kind == "number":
                    assert item.rounded in answers, (fmt, lang, item)
            if fmt == "tex":
                assert worksheet.rstrip().endswith(r"\end{document}") and answers.rstrip().endswith(r"\end{document}")


# --- hand-checked values from the seed articles --------------------------------------------


def test_seed_000_dog_fox_wolf_and_its_log10_slip():
    module = registry()["ce-single"]
    p = {"y": [0.33, 0.32, 0.35], "true_class": 1, "formula_given": True}
    assert module.answer(p).value == pytest.approx(1.1086626245216111, rel=REL)  # −ln 0.33
    by_codes = {m.codes: m.value for m in module.mistakes(p)}
    # the article printed −0.481486: log10 and the minus sign dropped
    assert by_codes[("log_base_10", "sign_dropped")] == pytest.approx(-0.481486, abs=1e-6)
    assert by_codes[("wrong_class",)] in (pytest.approx(-math.log(0.32)), pytest.approx(-math.log(0.35)))


@pytest.mark.parametrize(("y", "expected"), [([0.01, 0.65, 0.13, 0.70, 0.15], 0.252), ([0.34, 0.21, 0.91, 0.33, 0.22], 2.0651)])
def test_seed_001_squared_errors(y, expected):
    module = registry()["sse"]
    assert module.answer({"y": y, "t": [0, 1, 0, 1, 0], "half": False}).value == pytest.approx(expected, rel=1e-12)
    assert module.answer({"y": y, "t": [0, 1, 0, 1, 0], "half": True}).value == pytest.approx(expected / 2, rel=1e-12)


def test_seed_001_calculator_values_and_comparison():
    bce = registry()["bce"]  # the old id still finds the type
    assert bce.answer({"y": [0.8], "t": [1]}).value == pytest.approx(0.22314355131420976, rel=REL)
    assert bce.answer({"y": [0.2], "t": [1]}).value == pytest.approx(1.6094379124341003, rel=REL)
    compare = registry()["ce-compare"]
    p = {"y_a": [0.8, 0.2], "y_b": [0.2, 0.8], "true_class": 1}
    assert compare.answer(p).value == pytest.approx(0.22314355131420976 - 1.6094379124341003, rel=REL)
    assert compare.solution(p)["better"] == "A"


def test_seed_002_tokens_and_the_table_read_backwards():
    tokens = registry()["token-loss"]
    mean = (-math.log(0.70) - math.log(0.95) - math.log(0.80)) / 3
    assert tokens.answer({"p": [0.70, 0.95, 0.80], "ask": "loss"}).value == pytest.approx(mean, rel=REL)
    assert tokens.answer({"p": [0.70, 0.95, 0.80], "ask": "perplexity"}).value == pytest.approx(math.exp(mean), rel=REL)
    inverse = registry()["inverse"]
    assert inverse.answer({"loss": 2.303}).value == pytest.approx(0.1, rel=5e-4)  # 10 % ↔ 2.30 (E given to 4 s.f.)
    assert inverse.answer({"loss": 0.3567}).value == pytest.approx(0.70, rel=1e-4)  # 70 % ↔ 0.36
    by_codes = {m.codes: m.value for m in inverse.mistakes({"loss": 1.05})}
    assert by_codes[("sign_dropped",)] == pytest.approx(math.exp(1.05), rel=REL)
    assert by_codes[("log_base_10",)] == pytest.approx(10 ** -1.05, rel=REL)


def test_units_and_the_inverted_conversion():
    units = registry()["units"]
    assert units.answer({"value": 1.0, "from": "bits", "to": "nats"}).value == pytest.approx(0.6931471805599453, rel=REL)
    p = {"value": 0.6931, "from": "nats", "to": "bits"}
    assert units.answer(p).value == pytest.approx(0.6931 / math.log(2), rel=REL)
    by_codes = {m.codes: m.value for m in units.mistakes(p)}
    assert by_codes[("conversion_inverted",)] == pytest.approx(0.6931 * math.log(2), rel=REL)
    assert by_codes[("log_base_10",)] == pytest.approx(0.6931 / math.log(10), rel=REL)


def test_softmax_classics():
    exps = [math.exp(v) for v in (2.0, 1.0, 0.1)]
    ce = registry()["softmax-ce"].answer({"logits": [2.0, 1.0, 0.1], "true_class": 1}).value
    assert ce == pytest.approx(-math.log(exps[0] / sum(exps)), rel=REL)
    gradient = registry()["softmax-gradient"]
    p = {"logits": [2.0, 1.0, 0.1], "true_class": 1, "j": 1}
    assert gradient.answer(p).value == pytest.approx(exps[0] / sum(exps) - 1, rel=REL)
    assert {m.codes: m.value for m in gradient.mistakes(p)}[("gradient_sign",)] == pytest.approx(1 - exps[0] / sum(exps), rel=REL)


# --- golden files: seed 0 of every type ------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("kind", sorted(ISSUE_TYPES))
def test_golden_seed_0(kind, lang, golden):
    """The answer key of a one-question sheet (question and worked solution) with seed 0."""
    sheet = ws.build(0, 1, (kind,), ws.DEFAULT_DIFFICULTY)
    _, answers = ws.render(sheet, "md", lang)
    golden(f"problems/{kind}.{lang}.md", answers)
