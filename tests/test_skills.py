"""One table maps every diagnosis code to a skill; every skill has a name and an explanation in ja and en.

The coverage test fails when any diagnosis code that xentlab can emit has no skill, so merging a
branch that adds codes shows at once which ones need a row in xentlab/skills.py."""

import re
from pathlib import Path

import pytest

from xentlab.skills import CHOICE_SKILL, SKILL_OF, SKILLS, codes_of, parse_skills

ROOT = Path(__file__).resolve().parents[1]

# Codes named in issues and the README that a problem type may not emit today:
LISTED = {
    # README's stable list, and conversion_inverted, dropped_term
    "log_base_10", "log_base_2", "sign_dropped", "wrong_class", "sum_not_mean", "mean_not_sum", "swapped_t_y",
    "missing_complement", "sse_instead_of_ce", "probability_not_loss", "percent_scale", "half_missing", "half_extra",
    "gradient_sign", "dropped_term", "conversion_inverted",
    # grading of answers as students write them (issue 11)
    "unit_mismatch", "too_few_sig_figs", "complement_swapped", "perplexity_not_loss", "loss_not_perplexity",
    "mean_over_classes", "base_e_not_bits", "mixed_base",
    # wrong rules in a student's derivation (issue 14)
    "log_of_sum_split", "log_product_as_product", "power_outside_log", "exponent_dropped", "minus_not_distributed",
    "t_dropped", "sum_product_confused", "softmax_diagonal_only", "cited_rule_mismatch",
}


def emitted_codes(seeds: int = 60) -> set[str]:
    """Every code in every problem type's mistakes, over many seeds at every difficulty, plus the
    formula variants the checker tries on the formula types' answers."""
    from xentlab.check import symbolic_variants
    from xentlab.parse import parse_expression
    from xentlab.problems import registry
    from xentlab.verify import rng_for

    found = set()
    for kind, module in registry().items():
        for difficulty in (1, 2, 3):
            for seed in range(seeds):
                params = module.sample(rng_for(seed, 15, difficulty), difficulty)
                found |= {code for m in module.mistakes(params) for code in m.codes}
                answer = module.answer(params)
                if answer.kind == "expression" and seed < 5:
                    found |= {code for codes, _ in symbolic_variants(parse_expression(answer.value)) for code in codes}
    return found


def feedback_codes() -> set[str]:
    """Every code the feedback templates can phrase (a new code always brings its phrase)."""
    text = (ROOT / "templates" / "en" / "feedback.j2").read_text("utf-8")
    return set(re.findall(r"macro phrase_([a-z0-9_]+)\(", text))


def readme_codes() -> set[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    paragraph = text[text.index("**Diagnosis codes**"):]
    paragraph = paragraph[: paragraph.index("\n\n")]
    return set(re.findall(r"`([a-z0-9_]+)`", paragraph))


def test_every_code_emitted_anywhere_has_a_skill():
    codes = emitted_codes() | feedback_codes() | readme_codes() | LISTED
    missing = sorted(code for code in codes if code not in SKILL_OF)
    assert not missing, f"diagnosis codes without a skill (add them to xentlab/skills.py SKILL_OF): {missing}"
    assert len(emitted_codes(5)) >= 15  # the scan does see the catalogue


def test_table_is_one_skill_per_code_and_every_skill_has_codes():
    assert set(SKILL_OF.values()) <= set(SKILLS)
    assert set(CHOICE_SKILL.values()) <= set(SKILLS)
    for skill in SKILLS:
        assert codes_of(skill), skill


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_skill_has_a_name_and_an_explanation(lang):
    from xentlab.render import language_module
    from xentlab.skills import formulas

    module, f = language_module("skills", "text", lang), formulas()
    for skill in SKILLS:
        name = str(getattr(module, f"name_{skill}")()).strip()
        explanation = str(getattr(module, f"explain_{skill}")(f)).strip()
        assert name and len(explanation) > 60, skill
        if lang == "ja":  # Japanese prose: no internal ids or English words, full-width sentence punctuation
            for text in (name, explanation):
                assert not re.search(r"[a-z]{2,}_[a-z]{2,}", text), text
                assert not re.search(r"[A-Za-z]{4,}", re.sub(r"\b(?:log10|log2|log|ln|exp|PPL)\b", "", text)), text
            assert explanation.endswith("。") and "." not in re.sub(r"\d\.\d|\.\.", "", explanation)


@pytest.mark.parametrize("fmt", ["md", "tex"])
def test_explanations_render_in_every_format(fmt):
    from xentlab.render import language_module
    from xentlab.skills import formulas

    for lang in ("ja", "en"):
        module = language_module("skills", fmt, lang)
        for skill in SKILLS:
            text = str(getattr(module, f"explain_{skill}")(formulas()))
            assert "_" not in re.sub(r"\$[^$]*\$|\\\(.*?\\\)", "", text), text  # subscripts only inside math


def test_the_formulas_the_explanations_quote_hold():
    """Each identity at random valid points, against values computed here with the math module."""
    import math

    import numpy as np
    import sympy as sp

    from xentlab import notation as n
    from xentlab.skills import formulas

    f = formulas()
    rng = np.random.default_rng(15)
    for _ in range(20):
        x, b = float(rng.uniform(0.01, 5)), float(rng.choice([2.0, 10.0, 3.5]))
        assert float(f["change_of_base"].rhs.subs({sp.Symbol("x", positive=True): x, sp.Symbol("b", positive=True): b})) == pytest.approx(math.log(x, b))
        a1, b1 = float(rng.uniform(0.1, 3)), float(rng.uniform(0.1, 3))
        for rule in ("log_product_to_sum", "log_power", "log_quotient"):
            point = {sp.Symbol("a", positive=True): a1, sp.Symbol("b", positive=True): b1}
            assert float(f[rule].lhs.subs(point)) == pytest.approx(float(f[rule].rhs.subs(point)))
        y = rng.dirichlet(np.ones(4))
        c = int(rng.integers(1, 5))
        ce = f["ce"].rhs.subs(n.K, 4).doit().subs({n.y[q]: y[q - 1] for q in range(1, 5)}).subs({n.t[q]: float(q == c) for q in range(1, 5)})
        assert float(ce) == pytest.approx(-math.log(y[c - 1]))
        assert float(f["one_hot"].rhs.subs(n.y[n.c], y[c - 1])) == pytest.approx(-math.log(y[c - 1]))
        p1 = float(rng.uniform(0.01, 0.99))
        for t1, reduced in ((1, "bce_t1"), (0, "bce_t0")):
            point = {n.y_scalar: p1, n.t_scalar: t1}
            assert float(f["bce"].rhs.subs(point)) == pytest.approx(float(f[reduced].rhs.subs(point)))
            assert float(f[reduced].rhs.subs(point)) == pytest.approx(-math.log(p1 if t1 else 1 - p1))
        yy, tt = rng.uniform(0, 1, 3), rng.uniform(0, 1, 3)
        values = {**{n.y[q]: yy[q - 1] for q in range(1, 4)}, **{n.t[q]: tt[q - 1] for q in range(1, 4)}}
        sse = float(f["sse"].rhs.subs(n.K, 3).doit().subs(values))
        assert sse == pytest.approx(float(((yy - tt) ** 2).sum()))
        assert float(f["sse_half"].rhs.subs(n.K, 3).doit().subs(values)) == pytest.approx(sse / 2)
        # softmax and its gradient, by central differences of the loss computed with math.exp/log
        z, t = rng.normal(0, 2, 4), rng.dirichlet(np.ones(4))

        def softmax(v):
            e = [math.exp(q) for q in v]
            return [q / sum(e) for q in e]

        def loss(v):
            return -sum(tk * math.log(yk) for tk, yk in zip(t, softmax(v)))

        j, h = int(rng.integers(0, 4)), 1e-6
        step = np.eye(4)[j] * h
        probs = softmax(z)
        numeric = (loss(z + step) - loss(z - step)) / (2 * h)
        assert float(f["gradient"].rhs.subs({n.y[n.j]: probs[j], n.t[n.j]: t[j]})) == pytest.approx(numeric, abs=1e-6)
        k = (j + 1) % 4
        d_jj = (softmax(z + step)[j] - softmax(z - step)[j]) / (2 * h)
        d_kj = (softmax(z + step)[k] - softmax(z - step)[k]) / (2 * h)
        assert float(f["softmax_diagonal"].rhs.subs(n.y[n.j], probs[j])) == pytest.approx(d_jj, abs=1e-6)
        assert float(f["softmax_off_diagonal"].rhs.subs({n.y[n.j]: probs[j], n.y[n.k]: probs[k]})) == pytest.approx(d_kj, abs=1e-6)
    # the factors quoted in the natural-log paragraph: log10 x = 0.434 ln x, log2 x = 1.443 ln x
    assert 1 / math.log(10) == pytest.approx(0.434, abs=5e-4) and 1 / math.log(2) == pytest.approx(1.443, abs=5e-4)


def test_parse_skills():
    assert parse_skills(None) == SKILLS
    assert parse_skills("sign, natural_log") == ("natural_log", "sign")  # table order
    from xentlab.errors import UsageError

    with pytest.raises(UsageError) as error:
        parse_skills("sign,logs")
    assert error.value.key == "unknown_skill" and error.value.params["skill"] == "logs"


def test_codes_without_a_witness_are_exactly_those_no_item_shows():
    """skills.WITHOUT_WITNESS (how an answer was written, a derivation's steps, mixed_base) lists the
    codes that no item's numbers can show, so a student's own code there does not narrow which items
    show the skill: no sampled item of any type can make one of them alone, and every other code is
    shown by some item."""
    from xentlab.discriminate import shown
    from xentlab.problems import registry
    from xentlab.skills import WITHOUT_WITNESS
    from xentlab.verify import rng_for

    witnessed, possible = set(), set()
    for position, (kind, module) in enumerate(registry().items()):
        for difficulty in (1, 2, 3):
            rng = rng_for(15, 16, position, difficulty)
            for _ in range(30):
                item = shown(kind, module.sample(rng, difficulty))
                witnessed |= item.codes
                possible |= item.possible
    assert witnessed <= possible and not possible & WITHOUT_WITNESS
    assert sorted(set(SKILL_OF) - WITHOUT_WITNESS - witnessed) == []


def test_what_items_show_agrees_with_the_independent_oracle():
    """On items of every type sampled at every difficulty, the mistakes the catalogue says can be made
    are those tests/simstudent.py computes with the math module (readings, formula_readings), and
    every skill discriminate says an item shows passes the oracle's check (every code of the skill
    that can be made there has every reading apart from the right answer and from the other
    explanations)."""
    import simstudent as sim

    from xentlab.discriminate import shown
    from xentlab.problems import registry
    from xentlab.verify import rng_for

    checked = 0
    for position, (kind, module) in enumerate(registry().items()):
        if kind in ("log-rule", "derive-lines"):  # a choice shows log_rules; derive-lines has no catalogue
            continue
        for difficulty in (1, 2, 3):
            rng = rng_for(15, 17, position, difficulty)
            for _ in range(15):
                params = module.sample(rng, difficulty)
                item, answer = shown(kind, params), module.answer(params)
                readings = sim.readings if answer.kind == "number" else (lambda kind, p, code: sim.formula_readings(p, code))
                assert item.possible == {c for c in sim.ORACLE_CODES if readings(kind, params, c)}, (kind, params)
                for skill in sorted(item.skills):
                    entry = {"id": checked, "kind": kind, "question_params": params, "answer": answer.value, "answer_kind": answer.kind,
                             "target": {"skill": skill, "codes": sorted(c for c in item.codes if SKILL_OF[c] == skill)}}
                    checked += sim.assert_discriminates(entry, own=()) >= 1
    assert checked > 500
