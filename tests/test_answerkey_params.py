"""question_params in a key are untrusted: each problem type checks its own (check_params).

Every key `xentlab worksheet` writes loads; a key item whose params break the type's rules
(a bad class index, a bool where an int belongs, a probability outside its range, lists of the
wrong length, a missing or extra key, NaN or infinity) is refused with a one-line InputError that
names the param. The valid items below and their answers are worked out by hand from the problem
definitions; nothing expected here is computed by the code under test.
"""

import copy
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import one_line_error, run
from xentlab import answerkey
from xentlab import worksheet as ws
from xentlab.errors import InputError
from xentlab.problems import ParamError, registry
from xentlab.problems import log_rule

NAN, INF = float("nan"), float("inf")

# kind → (valid question_params, the answer by hand)
VALID = {
    "ce-single": ({"y": [0.1, 0.06, 0.47, 0.37], "true_class": 3, "formula_given": False}, -math.log(0.47)),
    "ce-compare": ({"y_a": [0.2, 0.5, 0.3], "y_b": [0.1, 0.6, 0.3], "true_class": 2}, math.log(0.6 / 0.5)),
    "ce-batch": ({"y": [[0.7, 0.3], [0.4, 0.6]], "labels": [1, 2], "reduction": "mean"}, -(math.log(0.7) + math.log(0.6)) / 2),
    "bce": ({"y": [0.8, 0.3], "t": [1, 0]}, -(math.log(0.8) + math.log(0.7)) / 2),
    "sse": ({"y": [0.2, 0.7, 0.1], "t": [0, 1, 0], "half": False}, 0.2**2 + 0.3**2 + 0.1**2),
    "softmax-ce": ({"logits": [2, 1, 0], "true_class": 1}, math.log(1 + math.exp(-1) + math.exp(-2))),
    "softmax-gradient": ({"logits": [0, 0, 0, 0], "true_class": 2, "j": 1}, 0.25),  # y_1 − t_1 = 1/4 − 0
    "token-loss": ({"p": [0.5, 0.25], "ask": "loss"}, 1.5 * math.log(2)),  # (ln 2 + ln 4) / 2
    "inverse": ({"loss": math.log(4)}, 0.25),  # e^(−ln 4)
    "units": ({"value": 1.0, "from": "nats", "to": "bits"}, 1 / math.log(2)),
    "derive-step": ({"derivation": "multiclass", "classes": 2, "to": "E"}, "-(t1*log(y1) + t2*log(y2))"),
    # step 2 of the multiclass derivation: log(Π y^t) → Σ log(y^t)
    "log-rule": ({"derivation": "multiclass", "classes": 3, "step": 2,
                  "choices": ["take_log", "log_product_to_sum", "negate", "log_exp"]}, "log_product_to_sum"),
    # issue 14: the reference derivation of 2 classes from L to E, as the key stores it (LaTeX lines)
    "derive-lines": ({"derivation": "multiclass", "classes": 2, "from": 0, "to": 4},
                     "L = y_{1}^{t_{1}} \\cdot y_{2}^{t_{2}}\n"
                     "\\log L = \\log\\left(y_{1}^{t_{1}} \\cdot y_{2}^{t_{2}}\\right)\n"
                     "\\log L = \\log\\left(y_{1}^{t_{1}}\\right) + \\log\\left(y_{2}^{t_{2}}\\right)\n"
                     "\\log L = t_{1} \\log y_{1} + t_{2} \\log y_{2}\n"
                     "E = -\\left(t_{1} \\log y_{1} + t_{2} \\log y_{2}\\right)"),
}

# (kind, param, change to the valid params, text the message must contain besides the param's name)
BAD = [
    # ce-single: y is a distribution over K = 4 classes, true_class in 1..4, formula_given a bool
    ("ce-single", "true_class", {"true_class": 0}, "an integer class index in 1..4, got 0"),
    ("ce-single", "true_class", {"true_class": 5}, "in 1..4, got 5"),
    ("ce-single", "true_class", {"true_class": True}, "got true"),
    ("ce-single", "true_class", {"true_class": 3.0}, "got 3.0"),
    ("ce-single", "y", {"y": [0.1, 0.06, 1.2, -0.36]}, "value 3 is 1.2"),
    ("ce-single", "y", {"y": [0.0, 0.16, 0.47, 0.37]}, "value 1 is 0.0"),
    ("ce-single", "y", {"y": [0.1, 0.06, 0.47, 0.3]}, "must sum to 1, got 0.93"),
    ("ce-single", "y", {"y": [1.0]}, "must hold 2 to 20 probabilities, got 1"),
    ("ce-single", "y", {"y": ["0.1", 0.06, 0.47, 0.37]}, 'value 1 is "0.1"'),
    ("ce-single", "y", {"y": [NAN, 0.06, 0.47, 0.37]}, "out of range"),
    ("ce-single", "formula_given", {"formula_given": 1}, "must be true or false, got 1"),
    # ce-compare: y_b as long as y_a (K = 3)
    ("ce-compare", "y_b", {"y_b": [0.1, 0.6, 0.2, 0.1]}, "must hold 3 probabilities (as many as \"y_a\"), got 4"),
    ("ce-compare", "y_a", {"y_a": [0.2, 1.5, -0.7]}, "value 2 is 1.5"),
    ("ce-compare", "y_b", {"y_b": [0.1, INF, 0.3]}, "out of range"),
    ("ce-compare", "true_class", {"true_class": 4}, "in 1..3, got 4"),
    ("ce-compare", "true_class", {"true_class": False}, "got false"),
    # ce-batch: N = 2 rows of K = 2, labels one per row in 1..2, reduction mean or sum
    ("ce-batch", "y", {"y": [[0.7, 0.3], [0.4, 0.5, 0.1]]}, "row 2 must hold 2 probabilities (as many as row 1), got 3"),
    ("ce-batch", "y", {"y": [[0.7, 0.3], [0.4, 0.7]]}, "row 2 must sum to 1, got 1.1"),
    ("ce-batch", "y", {"y": [0.7, 0.3]}, "row 1 must be a list of probabilities, got 0.7"),
    ("ce-batch", "y", {"y": [[0.7, 0.3], [NAN, 0.6]]}, "out of range"),
    ("ce-batch", "labels", {"labels": [1, 2, 1]}, 'must hold 2 integer class indices (as many as the rows of "y"), got 3'),
    ("ce-batch", "labels", {"labels": [0, 2]}, "in 1..2; value 1 is 0"),
    ("ce-batch", "labels", {"labels": [True, 2]}, "value 1 is true"),
    ("ce-batch", "reduction", {"reduction": "median"}, 'one of "mean", "sum", got "median"'),
    # bce: y strictly inside (0, 1) since log(1 − y) is taken too; t labels 0 or 1, one per y
    ("bce", "y", {"y": [1.0, 0.3]}, "value 1 is 1.0"),
    ("bce", "y", {"y": [0.8, 0]}, "value 2 is 0"),
    ("bce", "y", {"y": []}, "must hold 1 to 20 probabilities, got 0"),
    ("bce", "y", {"y": [0.8, -INF]}, "out of range"),
    ("bce", "t", {"t": [1, 2]}, "value 2 is 2"),
    ("bce", "t", {"t": [True, False]}, "value 1 is true"),
    ("bce", "t", {"t": [1]}, 'must hold 2 integer labels (as many as "y"), got 1'),
    # sse: predictions in [0, 1], targets 0 or 1 as many as y, half a bool
    ("sse", "y", {"y": [0.2, 1.7, 0.1]}, "value 2 is 1.7"),
    ("sse", "y", {"y": [0.2, NAN, 0.1]}, "out of range"),
    ("sse", "t", {"t": [0, 1]}, 'must hold 3 integer targets (as many as "y"), got 2'),
    ("sse", "t", {"t": [False, True, False]}, "value 1 is false"),
    ("sse", "t", {"t": [0, 0.5, 0]}, "value 2 is 0.5"),
    ("sse", "half", {"half": 0}, "must be true or false, got 0"),
    # softmax-ce: K = 3 logits, finite, |z| ≤ 100
    ("softmax-ce", "true_class", {"true_class": 0}, "in 1..3, got 0"),
    ("softmax-ce", "true_class", {"true_class": True}, "got true"),
    ("softmax-ce", "logits", {"logits": [2, 1000, 0]}, "value 2 is 1000"),
    ("softmax-ce", "logits", {"logits": [2, INF, 0]}, "out of range"),
    ("softmax-ce", "logits", {"logits": [2]}, "must hold 2 to 20 numbers, got 1"),
    ("softmax-ce", "logits", {"logits": [2, "1", 0]}, 'value 2 is "1"'),
    # softmax-gradient: K = 4, j and true_class in 1..4
    ("softmax-gradient", "j", {"j": 0}, "an integer class index in 1..4, got 0"),
    ("softmax-gradient", "j", {"j": 5}, "in 1..4, got 5"),
    ("softmax-gradient", "j", {"j": True}, "got true"),
    ("softmax-gradient", "true_class", {"true_class": -1}, "in 1..4, got -1"),
    ("softmax-gradient", "logits", {"logits": [0, 0, NAN, 0]}, "out of range"),
    # token-loss: 1 to 20 probabilities in (0, 1], ask loss or perplexity
    ("token-loss", "p", {"p": [0.5, 0.0]}, "value 2 is 0.0"),
    ("token-loss", "p", {"p": [0.5, 1.25]}, "value 2 is 1.25"),
    ("token-loss", "p", {"p": [0.5] * 21}, "must hold 1 to 20 probabilities, got 21"),
    ("token-loss", "p", {"p": [True, 0.5]}, "value 1 is true"),
    ("token-loss", "p", {"p": [0.5, NAN]}, "out of range"),
    ("token-loss", "ask", {"ask": "entropy"}, 'one of "loss", "perplexity", got "entropy"'),
    # inverse: a loss in [0, 100]
    ("inverse", "loss", {"loss": -1}, "a number in [0, 100], got -1"),
    ("inverse", "loss", {"loss": 1000}, "got 1000"),
    ("inverse", "loss", {"loss": True}, "got true"),
    ("inverse", "loss", {"loss": "1.39"}, 'got "1.39"'),
    ("inverse", "loss", {"loss": INF}, "out of range"),
    # units: a loss in [0, 100] from one of nats, bits, decimal to another
    ("units", "value", {"value": -0.5}, "got -0.5"),
    ("units", "value", {"value": NAN}, "out of range"),
    ("units", "value", {"value": False}, "got false"),
    ("units", "from", {"from": "joules"}, '"nats", "bits", "decimal", got "joules"'),
    ("units", "to", {"to": "nats"}, 'a different unit from "from", got "nats" for both'),
    # derive-step: multiclass with K in 2..8, or binary with classes null; to log_L or E
    ("derive-step", "classes", {"classes": 1}, "an integer in 2..8, got 1"),
    ("derive-step", "classes", {"classes": 9}, "got 9"),
    ("derive-step", "classes", {"classes": True}, "got true"),
    ("derive-step", "classes", {"derivation": "binary", "classes": 3}, "must be null for the binary derivation, got 3"),
    ("derive-step", "derivation", {"derivation": "entropy-kl"}, 'got "entropy-kl"'),
    ("derive-step", "to", {"to": "L"}, 'one of "log_L", "E", got "L"'),
    ("derive-step", "from", {"from": "E"}, 'one of "L", "log_L", got "E"'),
    ("derive-step", "notation", {"notation": "tex"}, 'one of "written", "sigma", got "tex"'),
    # derive-lines (issue 14): a derivation, a start and a target it has
    ("derive-lines", "derivation", {"derivation": "sse"}, 'got "sse"'),
    ("derive-lines", "classes", {"classes": 9}, "got 9"),
    ("derive-lines", "from", {"from": 2}, "must be one of 0, 1 for multiclass, got 2"),
    ("derive-lines", "to", {"to": 5}, "must be one of 3, 4 for multiclass, got 5"),
    ("derive-lines", "to", {"to": True}, "got true"),
    # log-rule: step 1..4 of multiclass (step 5 is one_hot, not a log rule), choices 2..8 distinct rule ids
    ("log-rule", "step", {"step": 0}, "(1, 2, 3, 4), got 0"),
    ("log-rule", "step", {"step": 5}, "got 5"),
    ("log-rule", "step", {"step": True}, "got true"),
    ("log-rule", "classes", {"classes": 12}, "in 2..8, got 12"),
    ("log-rule", "classes", {"derivation": "binary", "classes": 3}, "must be null for the binary derivation"),
    ("log-rule", "choices", {"choices": ["take_log", "negate", "log_exp", "log_power"]}, 'must include "log_product_to_sum"'),
    ("log-rule", "choices", {"choices": ["log_product_to_sum", "log_product_to_sum"]}, "must not repeat a rule"),
    ("log-rule", "choices", {"choices": ["log_product_to_sum", "rm -rf"]}, 'value 2 is "rm -rf"'),
    ("log-rule", "choices", {"choices": ["log_product_to_sum"]}, "a list of 2 to 8 rule ids"),
    ("log-rule", "choices", {"choices": ["log_product_to_sum", "log_sum_to_product", "negate"]}, 'must not offer "log_sum_to_product"'),
]


def item(kind, params=None, answer=None):
    valid_params, valid_answer = VALID[kind]
    return {"id": 1, "kind": kind, "question_params": valid_params if params is None else params,
            "answer": valid_answer if answer is None else answer}


def load(tmp_path, *items):
    path = tmp_path / "key.json"
    path.write_text(json.dumps({"items": list(items)}), encoding="utf-8")
    return answerkey.load(path)


def refused(tmp_path, raw) -> str:
    with pytest.raises(InputError) as caught:
        load(tmp_path, raw)
    message = str(caught.value)
    assert message.startswith("invalid answer key: item 1: ") and "\n" not in message, message
    return message


def test_the_hand_made_items_cover_every_type_and_load(tmp_path):
    from xentlab.names import problem_type  # VALID keeps the old ids bce and softmax-ce: keys that use them still load

    assert {problem_type(k) for k in VALID} == set(registry()) == {problem_type(kind) for kind, *_ in BAD}
    for kind in VALID:
        assert callable(registry()[kind].check_params), kind
        loaded = load(tmp_path, item(kind))[1]
        assert loaded.kind == problem_type(kind) and loaded.answer == VALID[kind][1]  # loaded under its one name


@pytest.mark.parametrize("difficulty", ws.DIFFICULTIES)
def test_every_generated_key_loads(tmp_path, difficulty):
    for seed in range(40):
        sheet = ws.build(seed, len(ws.all_types()), ws.all_types(), difficulty)  # one item of each type
        assert {i.kind for i in sheet.items} == set(ws.all_types())  # derive-lines is opt-in
        (tmp_path / "key.json").write_text(ws.key_json(sheet, "en", "md"), encoding="utf-8")
        assert len(answerkey.load(tmp_path / "key.json")) == len(sheet.items)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31 - 1), difficulty=st.sampled_from(ws.DIFFICULTIES))
def test_generated_keys_load_for_any_seed(tmp_path, seed, difficulty):
    sheet = ws.build(seed, 24, ws.all_types(), difficulty)
    (tmp_path / "key.json").write_text(ws.key_json(sheet, "ja", "tex"), encoding="utf-8")
    assert len(answerkey.load(tmp_path / "key.json")) == 24


@pytest.mark.parametrize("kind, param, change, needle", BAD, ids=[f"{b[0]}-{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_bad_param_value_is_refused_naming_the_param(tmp_path, kind, param, change, needle):
    params = {**copy.deepcopy(VALID[kind][0]), **change}
    message = refused(tmp_path, item(kind, params))
    assert f'"{param}"' in message and needle in message, message


@pytest.mark.parametrize("kind", sorted(VALID))
def test_missing_and_extra_params_are_refused(tmp_path, kind):
    params = VALID[kind][0]
    for name in params:
        message = refused(tmp_path, item(kind, {k: v for k, v in params.items() if k != name}))
        assert f'"{name}" is missing' in message, message
    message = refused(tmp_path, item(kind, {**params, "scale": 2}))
    assert 'unexpected param "scale"' in message, message


def test_the_message_is_exact_and_long_values_are_cut(tmp_path):
    params = {"logits": [0, 0, 0, 0], "true_class": 2, "j": 0}
    raw = {**item("softmax-gradient", params), "id": 3}
    with pytest.raises(InputError) as caught:
        load(tmp_path, raw)
    assert str(caught.value) == 'invalid answer key: item 3: "j" must be an integer class index in 1..4, got 0'
    message = refused(tmp_path, item("token-loss", {"p": 0.5, "ask": "x" * 60}))
    assert message == 'invalid answer key: item 1: "p" must be a list of probabilities, got 0.5'
    message = refused(tmp_path, item("token-loss", {"p": [0.5], "ask": "x" * 60}))
    assert message.endswith(f'got "{"x" * 38}…') and len(message) < 150, message


def test_a_choice_answer_must_be_the_rule_of_the_step(tmp_path):
    # the key says "negate", one of the choices, but step 2 is made by log_product_to_sum
    message = refused(tmp_path, item("log-rule", answer="negate"))
    assert '"answer" negate does not match its question_params (log_product_to_sum)' in message


def test_check_with_a_bad_key_is_one_line_exit_2(capsys, tmp_path):
    params = {"logits": [0, 0, 0, 0], "true_class": 2, "j": 0}
    (tmp_path / "key.json").write_text(json.dumps({"items": [item("softmax-gradient", params)]}), encoding="utf-8")
    code, out, err = run(capsys, "check", "--key", str(tmp_path / "key.json"), "--item", "1", "--answer", "0.25")
    one_line_error(code, err, "invalid answer key: item 1:", '"j" must be an integer class index in 1..4, got 0')
    assert out == ""


def test_grade_with_a_bad_key_is_one_line_exit_2(capsys, tmp_path):
    params = {"y": [0.1, 0.06, 0.47, 0.37], "true_class": True, "formula_given": False}
    (tmp_path / "key.json").write_text(json.dumps({"items": [item("ce-single", params)]}), encoding="utf-8")
    (tmp_path / "responses.csv").write_text("student,item,answer\na,1,0.755\n", encoding="utf-8")
    code, _, err = run(capsys, "grade", "--key", str(tmp_path / "key.json"), "--responses", str(tmp_path / "responses.csv"),
                       "-o", str(tmp_path / "graded.csv"))
    one_line_error(code, err, '"true_class" must be an integer class index in 1..4, got true')
    assert not (tmp_path / "graded.csv").exists()


# --- whatever check_params accepts, the answer and the mistakes can be computed ---------------

MAX_K = 20
probability = st.one_of(st.sampled_from([1e-40, 1e-20, 0.5, 1.0]), st.floats(1e-40, 1.0))


@st.composite
def distribution(draw, k):
    weights = draw(st.lists(st.floats(1e-38, 1.0), min_size=k, max_size=k))
    total = math.fsum(weights)
    return [w / total for w in weights]


@st.composite
def params_of(draw, kind):
    k = draw(st.integers(2, MAX_K))
    index = st.integers(1, k)
    logits = st.lists(st.floats(-100, 100), min_size=k, max_size=k)
    if kind == "ce-single":
        return {"y": draw(distribution(k)), "true_class": draw(index), "formula_given": draw(st.booleans())}
    if kind == "ce-compare":
        return {"y_a": draw(distribution(k)), "y_b": draw(distribution(k)), "true_class": draw(index)}
    if kind == "ce-batch":
        n = draw(st.integers(1, 20))
        return {"y": [draw(distribution(k)) for _ in range(n)], "labels": draw(st.lists(index, min_size=n, max_size=n)),
                "reduction": draw(st.sampled_from(["mean", "sum"]))}
    if kind == "bce":
        y = draw(st.lists(st.floats(1e-40, 1.0, exclude_max=True), min_size=1, max_size=20))
        return {"y": y, "t": draw(st.lists(st.integers(0, 1), min_size=len(y), max_size=len(y)))}
    if kind == "sse":
        return {"y": draw(st.lists(st.floats(0, 1), min_size=k, max_size=k)),
                "t": draw(st.lists(st.integers(0, 1), min_size=k, max_size=k)), "half": draw(st.booleans())}
    if kind == "softmax-ce":
        return {"logits": draw(logits), "true_class": draw(index)}
    if kind == "softmax-gradient":
        return {"logits": draw(logits), "true_class": draw(index), "j": draw(index)}
    if kind == "token-loss":
        return {"p": draw(st.lists(probability, min_size=1, max_size=20)), "ask": draw(st.sampled_from(["loss", "perplexity"]))}
    if kind == "inverse":
        return {"loss": draw(st.one_of(st.sampled_from([0, 100]), st.floats(0, 100)))}
    if kind == "units":
        source, target = draw(st.permutations(["nats", "bits", "decimal"]))[:2]
        return {"value": draw(st.one_of(st.sampled_from([0, 100]), st.floats(0, 100))), "from": source, "to": target}
    if kind == "derive-step":
        if draw(st.booleans()):
            return {"derivation": "binary", "classes": None, "to": draw(st.sampled_from(["log_L", "E"]))}
        return {"derivation": "multiclass", "classes": draw(st.integers(2, 8)), "to": draw(st.sampled_from(["log_L", "E"]))}
    if kind == "derive-lines":  # issue 14
        from xentlab.problems.derive_lines import SPANS

        name = draw(st.sampled_from(sorted(SPANS)))
        starts, targets = SPANS[name]
        classes = draw(st.one_of(st.none(), st.integers(2, 8))) if name == "multiclass" else None
        return {"derivation": name, "classes": classes, "from": draw(st.sampled_from(starts)), "to": draw(st.sampled_from(targets))}
    name = draw(st.sampled_from(sorted(log_rule.STEP_RULES)))
    step = draw(st.sampled_from([i for i, r in enumerate(log_rule.STEP_RULES[name]) if i > 0 and r in log_rule.RULES]))
    rule = log_rule.STEP_RULES[name][step]
    others = [r for r in log_rule.RULES if r not in (rule, log_rule.TWINS.get(rule))]
    choices = draw(st.permutations([rule, *draw(st.lists(st.sampled_from(others), min_size=1, max_size=5, unique=True))]))
    classes = draw(st.one_of(st.none(), st.integers(2, 8))) if name == "multiclass" else None
    return {"derivation": name, "classes": classes, "step": step, "choices": choices}


@pytest.mark.parametrize("kind", sorted(VALID))
def test_accepted_params_always_give_an_answer(kind):
    module = registry()[kind]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(params_of(kind))
    def accepted(params):
        try:
            module.check_params(params)
        except ParamError:
            return  # e.g. a normalised distribution whose smallest value fell below the floor
        raw = {"id": 1, "kind": kind, "question_params": params, "answer": module.answer(params).value}
        answerkey.parse_item(json.loads(json.dumps(raw)), "item #1")  # may raise nothing

    accepted()


def test_the_extremes_of_the_ranges_load(tmp_path):
    # 20 tokens at the smallest probability: perplexity 1e40, and its wrong-base-and-sum slips overflow (dropped)
    load(tmp_path, item("token-loss", {"p": [1e-40] * 20, "ask": "perplexity"}, answer=1e40))
    load(tmp_path, item("inverse", {"loss": 100}, answer=math.exp(-100)))
    load(tmp_path, item("softmax-gradient", {"logits": [100, -100], "true_class": 1, "j": 2}, answer=math.exp(-200)))


def test_underflow_in_a_correct_key_is_not_an_error(tmp_path):
    # Found by hypothesis: (1.5e-238)² underflows to 0.0, which is harmless, and must not refuse the key.
    # By hand: 0² + (1.5e-238)² = 2.25e-476, below the smallest double, so the stored answer is 0.
    params = {"y": [0.0, 1.5e-238], "t": [0, 0], "half": False}
    items = load(tmp_path, item("sse", params, answer=0.0))
    assert items[1].answer == 0.0


def test_ids_and_numbers_in_messages_stay_short(tmp_path):
    huge = 10**400
    with pytest.raises(InputError) as caught:
        load(tmp_path, {**item("inverse"), "id": huge})
    message = str(caught.value)
    assert message == 'invalid answer key: item #1: "id" must be an integer in 1..999999'
    wrong = refused(tmp_path, item("inverse", answer=huge))
    assert len(wrong) < 200, wrong
