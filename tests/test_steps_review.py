"""Review of issue 14 (check --steps): derivations as students write them that the first build
got wrong. Every expectation is written by hand from the mathematics of the line (which rule a
teacher names, whether the line holds), never from the code under test."""

import pytest

from xentlab import steps


def _relations(report):
    return [(line.n, line.relation) for line in report.lines]


# --- two index letters in one subscript (y_{ik}, t_{nj}) are maths, not words ----------------------


def test_a_batch_with_the_sample_index_i_is_read_as_maths():
    text = ("L = \\prod_{i=1}^{N}\\prod_{k=1}^{K} y_{ik}^{t_{ik}}\n"
            "\\log L = \\sum_{i=1}^{N}\\sum_{k=1}^{K} t_{ik}\\log y_{ik}\n"
            "E = -\\frac{1}{N}\\sum_{i=1}^{N}\\sum_{k=1}^{K} t_{ik}\\log y_{ik}\n")
    report = steps.check(text, kind="multiclass-batch")
    assert _relations(report) == [(1, "given"), (2, "ok"), (3, "ok")]
    assert report.lines[1].rules == ["take_log", "log_product_to_sum", "log_power"]
    assert report.prose == {} and report.trailing == []


def test_the_class_index_j_in_a_two_letter_subscript():
    report = steps.check("E_sum = -Σ_n Σ_j t_{nj} log y_{nj}\nE = -(1/N) Σ_n Σ_j t_{nj} log y_{nj}\n")
    assert _relations(report) == [(1, "given"), (2, "ok")]
    assert report.lines[1].rules == ["mean"]


# --- a stated condition (Σ_k t_k = 1 より, t_c = 1, N = 1 のとき) is the claim for the next step ------


def test_a_stated_sum_to_one_is_a_claim_not_a_left_hand_side():
    text = ("E = -Σ_k t_k z_k + Σ_k t_k log Σ_m exp(z_m)\n"
            "Σ_k t_k = 1 より\n"
            "= -Σ_k t_k z_k + log Σ_m exp(z_m)\n")
    report = steps.check(text)
    assert _relations(report) == [(1, "given"), (3, "ok_if")]
    assert report.lines[1].condition == "sum_to_one" and report.lines[1].cited_rule == "sum_to_one"
    assert report.prose == {3: ["Σ_k t_k = 1 より"]}


@pytest.mark.parametrize("statement", ["t_c = 1", "t_c = 1 (one-hot)", "t_{c} = 1 なので"])
def test_a_stated_one_hot_target_is_a_claim(statement):
    report = steps.check(f"E = -Σ_k t_k log y_k\n{statement}\n= -log y_c\n")
    assert _relations(report) == [(1, "given"), (3, "ok_if")]
    assert report.lines[1].condition == "one_hot"


def test_a_stated_single_sample_is_a_claim():
    text = "E_sum = -Σ_n Σ_k t_{n,k} log y_{n,k}\nN = 1 のとき\nE = -Σ_k t_{1,k} log y_{1,k}\n"
    report = steps.check(text)
    assert [line.relation for line in report.lines] == ["given", "ok_if"]
    assert report.lines[1].condition == "single_sample"


# --- writing index 1 alone does not make the size 1 ----------------------------------------------------


def test_keeping_only_the_first_class_is_wrong():
    report = steps.check("E = -Σ_k t_k log y_k\n= -t_1 log y_1\n")
    assert _relations(report) == [(1, "given"), (2, "wrong")]


def test_keeping_only_the_first_token_is_wrong():
    report = steps.check("E = -(1/T) Σ_i log p_i\n= -log p_1\n")
    assert _relations(report) == [(1, "given"), (2, "wrong")]


def test_the_first_sample_alone_is_the_mean_only_when_n_is_1():
    report = steps.check("E_sum = -Σ_n Σ_k t_{n,k} log y_{n,k}\nE = -Σ_k t_{1,k} log y_{1,k}\n")
    assert [line.relation for line in report.lines] == ["given", "ok_if"]
    assert report.lines[1].condition == "single_sample"


def test_writing_three_classes_out_still_fixes_k():
    report = steps.check("E = -Σ_{k=1}^{K} t_k log y_k\n= -(t_1 log y_1 + t_2 log y_2 + t_3 log y_3)\n")
    assert _relations(report) == [(1, "given"), (2, "ok")] and report.lines[1].rules == ["expand_sum"]


# --- xentlab's own text notation (Σ_{k=1..K}, y_nk, t_iv) reads ---------------------------------------


def test_braceless_two_index_subscripts_and_dotted_ranges_parse():
    import sympy as sp

    from xentlab import notation as n
    from xentlab.steps.names import parse_side

    assert parse_side("t_nk log y_nk") == n.t[n.n, n.k] * sp.log(n.y[n.n, n.k])
    assert parse_side("t_iv") == n.t[n.i, n.v]
    assert parse_side("Σ_{k=1..K} t_k") == sp.Sum(n.t[n.k], (n.k, 1, n.K))
    assert parse_side("Σ_{k=1…3} t_k") == sp.Sum(n.t[n.k], (n.k, 1, 3))


def test_a_batch_copied_from_xentlab_derive_text_output():
    text = """L = Π_{n=1..N} Π_{k=1..K} (y_nk)^(t_nk)
log(L) = log(Π_{n=1..N} Π_{k=1..K} (y_nk)^(t_nk))
log(L) = Σ_{n=1..N} Σ_{k=1..K} log((y_nk)^(t_nk))
log(L) = Σ_{n=1..N} Σ_{k=1..K} t_nk·log(y_nk)
E_sum = −Σ_{n=1..N} Σ_{k=1..K} t_nk·log(y_nk)
E = −(1/N)·Σ_{n=1..N} Σ_{k=1..K} t_nk·log(y_nk)
"""
    report = steps.check(text)
    assert [line.rules for line in report.lines] == [
        [], ["take_log"], ["log_product_to_sum"], ["log_power"], ["negate"], ["mean"]]
    assert [line.relation for line in report.lines] == ["given"] + ["ok"] * 5


def test_token_lines_copied_from_xentlab_derive_text_output():
    report = steps.check("E_i = −Σ_{v=1..V} t_iv·log(y_iv)\nE_i = −log(p_i)\nE = −(1/T)·Σ_{i=1..T} log(p_i)\n")
    assert [line.relation for line in report.lines] == ["given", "ok_if", "ok"]
    assert report.lines[1].condition == "one_hot" and report.lines[2].rules == ["mean"]


# --- the random points cover every target shape, whatever the text's seed -------------------------------

SEEDS = range(40)


def test_a_step_that_needs_sum_to_one_is_always_ok_if():
    """-Σ t_k z_k + (Σ t_k) log Σ exp z_m = -Σ t_k z_k + log Σ exp z_m only when Σ t_k = 1: with
    counts as targets (t = (2, 1)) the two sides differ by log Σ exp z_m."""
    text = ("E = -Σ_k t_k z_k + (Σ_k t_k) log Σ_m exp(z_m)\n"
            "= -Σ_k t_k z_k + log Σ_m exp(z_m)\n")
    got = {(steps.check(text, seed=s).lines[1].relation, steps.check(text, seed=s).lines[1].condition) for s in SEEDS}
    assert got == {("ok_if", "sum_to_one")}


def test_swapped_t_y_is_named_whatever_the_seed():
    """E = -Σ y_k log t_k is y and t swapped; log t_k is undefined at one-hot and some count
    targets, which must not make the diagnosis depend on the draw."""
    text = "\\log L = \\sum_{k=1}^{K} t_k \\log y_k\nE = -\\sum_{k=1}^{K} y_k \\log t_k\n"
    got = {tuple(steps.check(text, seed=s).lines[1].diagnosis) for s in SEEDS}
    assert got == {("swapped_t_y",)}


def test_a_true_line_with_log_t_gets_no_condition():
    """Cross-entropy = entropy + KL holds for every target where it is defined: no condition."""
    text = ("L = y^t (1-y)^(1-t)\nE = -(t log y + (1-t) log(1-y))\n"
            "= -(t log t + (1-t) log(1-t)) + t log(t/y) + (1-t) log((1-t)/(1-y))\n")
    got = {(steps.check(text, seed=s).lines[2].relation, steps.check(text, seed=s).lines[2].condition) for s in SEEDS}
    assert got == {("ok", None)}


# --- a wrong line is diagnosed against what its left-hand side means, when the line before cannot say -----


def test_gradient_sign_after_the_loss_written_in_y():
    """∂E/∂z_j = y_j − t_j for softmax + cross-entropy (hand: ∂/∂z_j of −Σ t_k z_k + log Σ e^{z_m}
    with Σ t_k = 1); t_j − y_j is its sign flipped. The line before is E in y, which as written
    does not depend on z."""
    report = steps.check("E = -Σ_k t_k log y_k\n∂E/∂z_j = t_j - y_j\n")
    assert _relations(report) == [(1, "given"), (2, "wrong")]
    assert report.lines[1].diagnosis == ["gradient_sign"]


def test_only_the_first_five_wrong_lines_are_searched_in_the_catalogue(monkeypatch):
    """Twelve lines, each wrong and not following from the one before (E = 1·y_1 + 1, E = 2·y_1 + 2, …):
    every one is wrong with its counterexample, and the catalogue is searched for the first five only,
    so a long wrong derivation cannot hold up a class."""
    from xentlab.steps import engine

    searched = set()
    real = engine.diagnose

    def counting(ctx, lhs, claim, target, domain, scope, info, path):
        searched.add(path[0])
        return real(ctx, lhs, claim, target, domain, scope, info, path)

    monkeypatch.setattr(engine, "diagnose", counting)
    text = "E = -Σ_k t_k log y_k\n" + "".join(f"E = {q}·y_1 + {q}\n" for q in range(1, 13))
    report = steps.check(text)
    assert [line.relation for line in report.lines] == ["given"] + ["wrong"] * 12
    assert all(line.counterexample for line in report.lines[1:])
    assert len(searched) == 5


# --- the batch written with the loss of one sample, E_n --------------------------------------------------


def test_the_batch_mean_of_per_sample_losses():
    """E_n = −Σ_k t_{n,k} log y_{n,k} is the loss of sample n; the batch loss is their mean
    (hand: (1/N) Σ_n E_n = −(1/N) Σ_n Σ_k t_{n,k} log y_{n,k}, the definition of E)."""
    text = ("E_n = -Σ_k t_{n,k} log y_{n,k}\n"
            "E = (1/N) Σ_n E_n\n"
            "= -(1/N) Σ_n Σ_k t_{n,k} log y_{n,k}\n")
    report = steps.check(text)
    assert report.kind == "multiclass-batch"
    assert [line.relation for line in report.lines] == ["given", "ok", "ok"]
    assert report.lines[1].rules == ["mean"] and report.lines[2].rules == ["substitute"]


def test_the_mean_of_per_sample_losses_cited_as_a_mean_agrees():
    report = steps.check("E_n = -Σ_k t_{n,k} log y_{n,k}\nthe batch loss is the mean over the N samples\nE = (1/N) Σ_n E_n\n")
    line = report.lines[1]
    assert (line.relation, line.rules, line.cited_rule, line.diagnosis) == ("ok", ["mean"], "mean", [])


def test_the_sum_of_per_sample_losses_is_not_the_mean():
    report = steps.check("E_n = -Σ_k t_{n,k} log y_{n,k}\nE = Σ_n E_n\n")
    assert [line.relation for line in report.lines] == ["given", "wrong"]
    assert report.lines[1].diagnosis == ["sum_not_mean"]


def test_canonical_forms_never_capture_an_index():
    """Σ_{b} (−Σ_k t_{b,k} log y_{b,k}) with b already named by an earlier canonical form is still
    −Σ_b Σ_k t_{b,k} log y_{b,k}: the inner renaming must not turn y_{b,k} into y_{k,k}."""
    import sympy as sp

    from xentlab import notation as n
    from xentlab.steps.canon import canonical

    b = sp.Symbol("_b0_0", integer=True, positive=True)
    inner = -sp.Sum(n.t[b, n.k] * sp.log(n.y[b, n.k]), (n.k, 1, n.K))
    substituted = sp.Sum(inner, (b, 1, n.N)) / n.N
    written = -sp.Sum(sp.Sum(n.t[n.n, n.k] * sp.log(n.y[n.n, n.k]), (n.k, 1, n.K)), (n.n, 1, n.N)) / n.N
    assert canonical(substituted) == canonical(written)
    assert canonical(substituted) != canonical(-sp.Sum(sp.Sum(n.t[n.k, n.k] * sp.log(n.y[n.k, n.k]), (n.k, 1, n.K)),
                                                      (n.n, 1, n.N)) / n.N)


def test_dropping_a_bare_sum_of_targets_is_named_sum_to_one():
    """y_j Σ_k t_k − t_j = y_j − t_j uses Σ_k t_k = 1 and nothing else: the rule named is
    sum_to_one, as the condition is (not the one-hot selection, a stronger assumption)."""
    report = steps.check("E = -Σ_k t_k log y_k\n∂E/∂z_j = y_j Σ_k t_k - t_j\n= y_j - t_j\n")
    assert _relations(report) == [(1, "given"), (2, "ok"), (3, "ok_if")]
    assert report.lines[2].condition == "sum_to_one" and report.lines[2].rules == ["sum_to_one"]


# --- a first line that substitutes values, as seed 000 begins ------------------------------------------

SEED_FIRST_BLOCK = """$$
\\begin{aligned}
L = &y_{1}^{1} \\cdot y_{2}^{0} \\cdot y_{3}^{0}&
\\
=&0.33^{1} \\times 0.32^{0} \\times 0.35^{0}&\\
=&0.33&
\\end{aligned}
$$
"""


def test_seed_000_first_block_without_values():
    """L = y_1^1 · y_2^0 · y_3^0 is the likelihood with the dog's labels t = (1, 0, 0) written in;
    then the predictions (0.33, 0.32, 0.35) go in and L = 0.33 (the article's own numbers)."""
    report = steps.check(SEED_FIRST_BLOCK)
    assert _relations(report) == [(3, "given"), (5, "ok"), (6, "ok")]
    assert report.lines[1].rules == ["substitute_values"] and report.lines[2].rules == ["compute"]


def test_seed_000_first_block_with_values_and_a_slip():
    report = steps.check(SEED_FIRST_BLOCK.replace("=&0.33&", "=&0.32&"), values={"y": [0.33, 0.32, 0.35], "t": [1, 0, 0]})
    assert _relations(report) == [(3, "given"), (5, "ok"), (6, "wrong")]


def test_a_first_line_of_numbers_needs_the_values():
    """Without --y/--t nothing says what -(1·log 0.7) should be: the line cannot be checked (as any
    numeric line with unknown values), it is not wrong. With the values it is the start."""
    report = steps.check("E = -(1·log(0.7))\n= -log 0.7\n= 0.357\n")
    assert [line.relation for line in report.lines] == ["unreadable"] * 3
    assert report.lines[0].message["code"] == "no_values" and report.status == "invalid"
    report = steps.check("L = 0.33^1 × 0.32^0 × 0.35^0\n= 0.33\nE = -log L\n= -log 0.33\n= 1.1087\n",
                         values={"y": [0.33, 0.32, 0.35], "t": [1, 0, 0]})
    assert [line.relation for line in report.lines] == ["given", "ok", "ok", "ok", "ok"]


def test_a_first_line_that_substitutes_the_wrong_labels_is_wrong():
    report = steps.check("L = y_1^1 · y_2^1 · y_3^0\n", values={"y": [0.33, 0.32, 0.35], "t": [1, 0, 0]})
    assert [line.relation for line in report.lines] == ["wrong"]


# --- a derivation too long to check whole is never called correct -----------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_wrong_line_beyond_the_limit_is_not_hidden(lang):
    """41 equations, the last one wrong (E = log L): only 40 are checked, so the report cannot say
    the derivation is correct, and it says why."""
    text = "L = y1^t1 y2^t2\n" + "= y1^t1 y2^t2\n" * 39 + "E = log L\n"
    report = steps.check(text)
    assert report.truncated and len(report.lines) == 40
    assert report.status == "invalid"
    out = steps.render(report, "text", lang)
    assert ("40" in out) and (("途中" in out) if lang == "ja" else ("only the first" in out))
    assert steps.document(report, lang)["status"] == "invalid"


def test_more_rows_than_the_limit_are_reported_as_cut():
    text = "L = y1^t1 y2^t2\n" + "by the rule\n" * 250 + "E = log L\n"
    report = steps.check(text)
    assert report.truncated and report.status == "invalid"


def test_the_markdown_summary_is_bold_in_japanese_too():
    """CommonMark closes ** only when it is right-flanking: after 。 it must be followed by a space
    or punctuation, so '**…あります。**得点' shows the asterisks instead of bold."""
    out = steps.render(steps.check("log L = Σ_k t_k log y_k\nE = Σ_k t_k log y_k\n"), "md", "ja")
    last = out.rstrip().splitlines()[-1]
    assert last.startswith("**") and "。** 得点" in last


def test_a_unicode_half_in_a_derivation():
    """E = ½ Σ_k (y_k − t_k)² is the SSE with ½; its gradient is y_j − t_j (hand: ½ · 2 (y_j − t_j))."""
    report = steps.check("E = ½ Σₖ (yₖ − tₖ)²\n∂E/∂y_j = y_j − t_j\n")
    assert report.kind == "sse-half"
    assert [(line.relation, line.rules) for line in report.lines] == [("given", []), ("ok", ["differentiate"])]


def test_a_mixed_number_stays_refused():
    from xentlab.parse import AnswerParseError
    from xentlab.steps.names import parse_side

    with pytest.raises(AnswerParseError) as caught:
        parse_side("3½ y_1")
    assert caught.value.code == "bad_character"
    import sympy as sp

    from xentlab import notation as n

    assert sp.simplify(parse_side("½ y_1") - n.y[1] / 2) == 0


# --- the order of two sums with fixed bounds is bookkeeping -------------------------------------------------


def test_swapping_two_sums_reaches_the_target_of_a_derive_lines_item():
    """Σ_k Σ_n and Σ_n Σ_k of the same summand are the same sum (the bounds K and N do not depend
    on the other index): a derivation ending in the swapped order reaches the batch mean."""
    from xentlab.steps.grade import check_lines

    reference = ("L = \\prod_{n=1}^{N} \\prod_{k=1}^{K} y_{nk}^{t_{nk}}\n"
                 "\\log L = \\sum_{n=1}^{N} \\sum_{k=1}^{K} t_{nk} \\log y_{nk}\n"
                 "E = -\\frac{1}{N} \\sum_{n=1}^{N} \\sum_{k=1}^{K} t_{nk} \\log y_{nk}")
    answer = "L = Π_n Π_k y_{nk}^{t_{nk}}\nlog L = Σ_n Σ_k t_{nk} log y_{nk}\nE = -(1/N) Σ_k Σ_n t_{nk} log y_{nk}\n"
    verdict = check_lines(reference, answer)
    assert (verdict.status, verdict.score) == ("correct", 1.0)
    report = steps.check("E = -(1/N) Σ_n Σ_k t_{nk} log y_{nk}\n= -(1/N) Σ_k Σ_n t_{nk} log y_{nk}\n")
    assert [(line.relation, line.rules) for line in report.lines] == [("given", []), ("ok", [])]


# --- where the cited rule also gives the step, the step is named by it -----------------------------------


@pytest.mark.parametrize(("claim", "rules"), [
    ("両辺の対数をとり、商の対数（公式③）を使う", ["take_log", "log_quotient", "log_exp"]),
    ("by the quotient rule, and log undoes exp", ["take_log", "log_quotient", "log_exp"]),
])
def test_a_quotient_step_cited_as_a_quotient_is_named_so(claim, rules):
    """log(e^{z_k} / Σ e^{z_m}) = z_k − log Σ e^{z_m}: log rule 3 and log∘exp (hand). It can also be
    reached as a product with a power −1; the feedback must not list rules ① ② to a student who
    cited ③."""
    report = steps.check(f"y_k = exp(z_k) / Σ_m exp(z_m)\n{claim}\nlog y_k = z_k - log Σ_m exp(z_m)\n")
    line = report.lines[1]
    assert (line.relation, line.rules, line.diagnosis) == ("ok", rules, [])


def test_log_exp_cited_for_log_of_exp():
    report = steps.check("log y_k = log exp(z_k) - log Σ_m exp(z_m)\nlog と exp は逆関数なので\n= z_k - log Σ_m exp(z_m)\n")
    line = report.lines[1]
    assert (line.relation, line.rules, line.cited_rule, line.diagnosis) == ("ok", ["log_exp"], "log_exp", [])


def test_a_minus_lost_inside_the_exponential_is_sign_dropped():
    """PPL = exp(E) = exp(−(1/T) Σ log p_i); exp((1/T) Σ log p_i) lost the minus of the loss."""
    report = steps.check("E = -(1/T) Σ_i log p_i\nPPL = exp(E)\n= exp((1/T) Σ_i log p_i)\n")
    assert [line.relation for line in report.lines] == ["given", "ok", "wrong"]
    assert report.lines[2].diagnosis == ["sign_dropped"]


# --- check --key … --answer FILE for a derive-lines item -------------------------------------------------------


def test_a_derive_lines_answer_file_that_does_not_exist_is_a_command_error(capsys, tmp_path):
    """A derivation always has an '='; an --answer with none that names no file is a mistyped
    path, not an answer to mark 'unreadable' with exit status 0."""
    import json

    from conftest import one_line_error, run

    code, _, err = run(capsys, "worksheet", "--types", "derive-lines", "--count", "1", "--difficulty", "1", "--seed", "1",
                       "--lang", "en", "-o", str(tmp_path / "sheet"))
    assert code == 0, err
    key = tmp_path / "sheet" / "key.json"
    code, _, err = run(capsys, "check", "--key", str(key), "--item", "1", "--answer", str(tmp_path / "missing.txt"),
                       "--lang", "en")
    one_line_error(code, err, "missing.txt")
    answer = tmp_path / "answer.txt"  # the reference derivation itself: every line holds
    answer.write_text(json.loads(key.read_text("utf-8"))["items"][0]["answer"], encoding="utf-8")
    code, out, err = run(capsys, "check", "--key", str(key), "--item", "1", "--answer", str(answer), "--lang", "en")
    assert code == 0 and err == "" and out.startswith("✓")


# --- an equation typed without spaces (logL) is never dropped as if it were words ----------------------------


def test_an_equation_without_spaces_is_shown_not_dropped():
    """'logL = t1logy1 + t2logy2' is maths a student typed without spaces: the parser does not read
    logL, so the line is unreadable (and says which name), but it must be in the report, not
    silently taken for a line of words."""
    report = steps.check("L = y1^t1 * y2^t2\nlogL = t1logy1 + t2logy2\nE = -logL\n")
    assert [(line.n, line.relation) for line in report.lines] == [(1, "given"), (2, "unreadable"), (3, "unreadable")]
    assert report.lines[1].message["code"] == "unknown_name"
    assert report.prose == {} and report.trailing == []


# --- connectives students put in LaTeX: ∴ ⇔ := and (∵ …) -------------------------------------------------------


def test_therefore_because_iff_and_colon_equals():
    text = ("\\begin{align*}\n"
            "L &= y_1^{t_1} y_2^{t_2} \\\\\n"
            "\\Leftrightarrow \\log L &= \\log y_1^{t_1} + \\log y_2^{t_2} \\\\\n"
            "&= t_1 \\log y_1 + t_2 \\log y_2 \\quad (\\because \\text{公式②}) \\\\\n"
            "\\therefore E &:= -\\log L = -t_1 \\log y_1 - t_2 \\log y_2\n"
            "\\end{align*}\n")
    report = steps.check(text)
    assert [(line.relation, line.rules) for line in report.lines] == [
        ("given", []), ("ok", ["take_log", "log_product_to_sum"]), ("ok", ["log_power"]), ("ok", ["negate"]),
        ("ok", ["substitute"])]
    assert report.lines[2].cited_rule == "log_power" and report.lines[2].diagnosis == []


def test_unicode_therefore_and_because():
    report = steps.check("log L = t1 log y1 + t2 log y2\n∴ E = -t1 log y1 - t2 log y2 ∵ E = −log L\n")
    assert [(line.relation, line.rules) for line in report.lines] == [("given", []), ("ok", ["negate"])]
    assert report.lines[1].cited_rule == "negate"


# --- the notations added in this review, fuzzed ----------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

REVIEW_TOKENS = ["E", "L", "log L", "logL", " = ", ":=", "\n", "∴ ", "⇔", "\\therefore ", "(∵ 公式②)", "\\because ",
                 "Σ_k t_k = 1 より", "t_c = 1", "N = 1 のとき", "½", "3½", "t_nk", "y_nk", "t_{ik}", "Σ_{k=1..K}",
                 "Σ_{k=1…3}", "Π_{n=1..N}", "E_n", "(1/N)", "Σ_n", "log y_k", "t_k", "-", "+", "(", ")", "^", "y_1",
                 "0.33", "\\\\", "&=", "\\begin{aligned}", "\\end{aligned}", "∂E/∂z_j", " "]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(REVIEW_TOKENS), max_size=30).map("".join))
def test_fuzz_the_review_notations_never_raise(text):
    import json

    from xentlab.steps.model import RELATIONS

    report = steps.check(text)
    assert all(line.relation in RELATIONS for line in report.lines)
    json.dumps(steps.document(report, "ja"))
    for fmt in ("text", "md", "tex"):
        steps.render(report, fmt, "en")


# --- a sum over two indices written out keeps each index in its place -----------------------------------------


def test_writing_out_a_double_sum_keeps_the_indices_in_place():
    """Σ_{n=1}^{2} Σ_{k=1}^{3} y_{n,k} = y_{1,1} + y_{1,2} + y_{1,3} + y_{2,1} + y_{2,2} + y_{2,3} (hand)."""
    import sympy as sp

    from xentlab import notation as n
    from xentlab import rules

    written = rules.write_out(sp.Sum(n.y[n.n, n.k], (n.k, 1, 3), (n.n, 1, 2)))
    assert set(sp.Add.make_args(written)) == {n.y[a, b] for a in (1, 2) for b in (1, 2, 3)}


def test_values_substituted_into_a_written_batch():
    """Two samples, three classes, labels (1,0,0) and (0,1,0): E = −(log 0.5 + log 0.6)/2 = 0.601986 (hand)."""
    text = ("E = -(1/2) Σ_{n=1}^{2} Σ_{k=1}^{3} t_{n,k} log y_{n,k}\n"
            "= -(1/2)(1·log 0.5 + 0·log 0.3 + 0·log 0.2 + 0·log 0.1 + 1·log 0.6 + 0·log 0.3)\n"
            "= 0.6020\n")
    report = steps.check(text)
    assert [(line.relation, line.rules) for line in report.lines] == [
        ("given", []), ("ok", ["substitute_values"]), ("ok", ["compute"])]


def test_a_first_line_whose_left_side_is_not_a_quantity_is_checked_without_substitution():
    """Found by fuzzing: 'Σ_{k=1…3} log L Π_{n=1..N} N = 1' put L's definition (a Π over k) inside a Σ
    over k, and writing it out raised ValueError. Its right side is a number and nothing gives y and t:
    it cannot be checked, like any such line."""
    report = steps.check("Σ_{k=1…3}log LΠ_{n=1..N}N = 1 \n")
    assert [(line.relation, line.message["code"]) for line in report.lines] == [("unreadable", "no_values")]


def test_a_line_sympy_cannot_take_is_not_checked_and_the_rest_goes_on(monkeypatch):
    """Whatever fails inside the engine on one line (simulated here), the report still comes back:
    that line is 'could not be checked' (ja: 確かめることができませんでした) and the next lines are checked."""
    from xentlab.steps import engine

    real = engine._Checker._step

    def failing(self, index, line):
        if "t1 log y1" in line.text:
            raise ValueError("Invalid limits given")
        return real(self, index, line)

    monkeypatch.setattr(engine._Checker, "_step", failing)
    report = steps.check("L = y1^t1 y2^t2\nlog L = t1 log y1 + t2 log y2\nE = -log L\n")
    assert [line.relation for line in report.lines] == ["given", "unreadable", "ok"]
    assert report.lines[1].message["code"] == "not_checked"
    assert "確かめることができませんでした" in steps.render(report, "text", "ja")
    assert "could not be checked" in steps.render(report, "text", "en")
