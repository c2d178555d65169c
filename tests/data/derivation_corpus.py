"""The corpus of derivations in tests/data/derivations/, with what a teacher expects of each line.

Every file is a derivation as a student writes it (plain text, LaTeX or Unicode; Japanese or
English justifications), written by hand, never produced by the code under test. `relations`
has one letter per equation of the derivation, in order:
G given, O ok, B ok_big_step, I ok_if, W wrong, F ok_from_wrong, U unreadable.
`codes` is the diagnosis of the first wrong line; `rules` and `cited` pin the rules named on some
lines (by input line number); `mismatch` lists lines whose cited rule is not the one used.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    file: str
    kind: str  # the derivation kind a teacher would say it is
    lang: str  # language of its prose ("-" when it has none)
    notation: str  # plain | latex | unicode
    relations: str
    codes: tuple[str, ...] = ()
    values: dict | None = None
    start: str | None = None
    rules: dict = field(default_factory=dict)
    cited: dict = field(default_factory=dict)
    mismatch: tuple[int, ...] = ()
    conditions: dict = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return "W" not in self.relations and "F" not in self.relations and "U" not in self.relations


DOG = {"y": [0.33, 0.32, 0.35], "t": [1, 0, 0]}

CASES = [
    # --- seed 000, as the article typesets it --------------------------------------------------
    Case("seed000_article.tex", "multiclass", "ja", "latex", "GOOOOOOOOOOOW", ("log_base_10", "sign_dropped"),
         rules={14: ["log_product_to_sum"], 17: ["log_power"], 19: ["fold_sum"], 30: ["negate"], 41: ["substitute_values"]},
         cited={14: "log_product_to_sum", 17: "log_power"}),
    Case("seed000_section_ja.txt", "multiclass", "ja", "latex", "GOOBOOOOOOOOOOOW", ("log_base_10", "sign_dropped"),
         values=DOG, rules={36: ["log_product_to_sum"], 39: ["log_power"]},
         cited={36: "log_product_to_sum", 39: "log_power"}),
    # --- multiclass, correct ----------------------------------------------------------------------
    Case("mc_plain_k3.txt", "multiclass", "-", "plain", "GOOOO",
         rules={2: ["take_log", "log_product_to_sum"], 3: ["log_power"], 4: ["negate"]}),
    Case("mc_latex_symbolic_en.tex", "multiclass", "en", "latex", "GOOOOO",
         rules={3: ["take_log"], 5: ["log_product_to_sum"], 7: ["log_power"]},
         cited={5: "log_product_to_sum", 7: "log_power"}),
    Case("mc_unicode_ja.txt", "multiclass", "ja", "unicode", "GOOOOI", rules={5: ["log_power"]},
         cited={5: "log_power", 9: "one_hot"}, conditions={9: "one_hot"}),
    Case("mc_subscripts_k4_ja.txt", "multiclass", "-", "unicode", "GOO",
         rules={2: ["take_log", "log_product_to_sum", "log_power"]}),
    Case("mc_ellipsis.tex", "multiclass", "-", "latex", "GOOOO", rules={3: ["log_power"]}),
    Case("mc_numeric_values.txt", "multiclass", "-", "plain", "GOOO", values={"y": [0.2, 0.7, 0.1], "t": [0, 1, 0]}),
    Case("mc_onehot_latex_ja.tex", "multiclass", "ja", "latex", "GI", conditions={5: "one_hot"}, cited={5: "one_hot"}),
    Case("mc_big_step_en.txt", "multiclass", "en", "plain", "GB"),
    Case("mc_big_step_ja.tex", "multiclass", "-", "latex", "GB"),
    Case("mc_chained_en.txt", "multiclass", "-", "unicode", "GOOOOO"),
    Case("mc_fullwidth_ja.txt", "multiclass", "-", "unicode", "GOO"),
    Case("mc_align_star_tag_ja.tex", "multiclass", "ja", "latex", "GOOOO",
         cited={3: "log_product_to_sum", 4: "log_power"}),
    Case("mc_start_given_en.txt", "multiclass", "-", "plain", "GOOO", start="log L = log(y1^t1 * y2^t2 * y3^t3)",
         rules={1: ["log_product_to_sum"], 2: ["log_power"], 3: ["negate"]}),
    Case("mc_numeric_round_ja.txt", "multiclass", "-", "unicode", "GOOO"),
    # --- the batch mean ---------------------------------------------------------------------------
    Case("batch_latex_en.tex", "multiclass-batch", "-", "latex", "GOOOOO", rules={4: ["negate"]}),
    Case("batch_plain_en.txt", "multiclass-batch", "en", "plain", "GOOOOO", cited={4: "log_power"}),
    Case("batch_unicode_ja.txt", "multiclass-batch", "ja", "unicode", "GOOO", rules={6: ["mean"]}, cited={6: "mean"}),
    # --- binary --------------------------------------------------------------------------------------
    Case("binary_plain_en.txt", "binary", "-", "plain", "GOO", rules={3: ["negate"]}),
    Case("binary_latex_mean.tex", "binary", "-", "latex", "GOOOO", rules={4: ["log_power"], 6: ["mean"]}),
    Case("binary_ja.txt", "binary", "ja", "unicode", "GOO", cited={3: "take_log", 5: "negate"}),
    Case("binary_batch_en.txt", "binary", "-", "plain", "GO"),
    # --- the softmax gradient ----------------------------------------------------------------------------
    Case("softmax_latex_en.tex", "softmax-gradient", "-", "latex", "GOOOOOIOO",
         rules={2: ["take_log", "log_quotient"], 5: ["distribute"], 6: ["sum_to_one"], 7: ["differentiate"],
                8: ["substitute_softmax"]}, conditions={6: "sum_to_one"}),
    Case("softmax_plain_en.txt", "softmax-gradient", "en", "plain", "GOOOIOO", conditions={6: "sum_to_one"},
         cited={6: "sum_to_one"}),
    Case("softmax_unicode_ja.txt", "softmax-gradient", "ja", "unicode", "GOOOIO", conditions={7: "sum_to_one"},
         cited={3: "take_log", 7: "sum_to_one", 9: "differentiate"}),
    Case("softmax_written_k3.txt", "softmax-gradient", "-", "plain", "GO"),
    # --- the token average and perplexity -----------------------------------------------------------------
    Case("token_latex_en.tex", "token-average", "-", "latex", "GIOOOOO", conditions={2: "one_hot"},
         rules={5: ["log_sum_to_product", "exp_log_power"]}),
    Case("token_plain_en.txt", "token-average", "-", "plain", "GOOO", conditions={1: "one_hot"},
         rules={2: ["perplexity"], 4: ["log_sum_to_product", "exp_log_power"]}),
    Case("token_unicode_ja.txt", "token-average", "ja", "unicode", "GOO", conditions={2: "one_hot"}),
    Case("token_written_t3.txt", "token-average", "-", "plain", "GOOO", conditions={1: "one_hot"}),
    # --- SSE, with and without ½ ----------------------------------------------------------------------------
    Case("sse_plain_k3.txt", "sse", "-", "plain", "GO", rules={2: ["differentiate"]}),
    Case("sse_latex_symbolic.tex", "sse", "-", "latex", "GO", rules={2: ["differentiate"]}),
    Case("sse_ellipsis_ja.txt", "sse", "ja", "unicode", "GO"),
    Case("sse_half_plain.txt", "sse-half", "-", "plain", "GOO"),
    Case("sse_half_latex.tex", "sse-half", "-", "latex", "GO"),
    Case("sse_half_ja.txt", "sse-half", "ja", "unicode", "GO", cited={3: "differentiate"}),
    Case("sse_half_written_en.txt", "sse-half", "-", "plain", "GO"),
    # --- entropy + KL -----------------------------------------------------------------------------------------
    Case("ekl_latex.tex", "entropy-kl", "-", "latex", "GOO"),
    Case("ekl_plain_en.txt", "entropy-kl", "-", "plain", "GO"),
    Case("ekl_ja.txt", "entropy-kl", "ja", "unicode", "GOO"),
    Case("ekl_written_k2.txt", "entropy-kl", "-", "plain", "GO"),
    # --- wrong: one case per line, at least two per code -------------------------------------------------------
    Case("wrong_log_of_sum_split_binary.txt", "binary", "-", "plain", "GOW", ("log_of_sum_split",)),
    Case("wrong_log_of_sum_split_softmax.txt", "softmax-gradient", "-", "plain", "GOW", ("log_of_sum_split",)),
    Case("wrong_log_of_sum_split_ja.tex", "softmax-gradient", "ja", "latex", "GW", ("log_of_sum_split",)),
    Case("wrong_log_product_as_product.txt", "multiclass", "-", "plain", "GW", ("log_product_as_product",)),
    Case("wrong_log_product_as_product_binary_ja.txt", "binary", "ja", "unicode", "GW", ("log_product_as_product",)),
    Case("wrong_log_product_as_product_latex_en.tex", "multiclass", "-", "latex", "GW", ("log_product_as_product",)),
    Case("wrong_power_outside_log.txt", "multiclass", "en", "plain", "GW", ("power_outside_log",)),
    Case("wrong_power_outside_log_ja.tex", "binary", "ja", "latex", "GW", ("power_outside_log",)),
    Case("wrong_power_outside_log_symbolic.txt", "multiclass", "-", "plain", "GW", ("power_outside_log",)),
    Case("wrong_exponent_dropped.txt", "multiclass", "-", "plain", "GW", ("exponent_dropped",)),
    Case("wrong_exponent_dropped_binary.tex", "binary", "-", "latex", "GW", ("exponent_dropped",)),
    Case("wrong_exponent_dropped_ja.txt", "multiclass", "ja", "unicode", "GW", ("exponent_dropped",)),
    Case("wrong_sign_dropped_plain.txt", "multiclass", "-", "plain", "GOOW", ("sign_dropped",)),
    Case("wrong_sign_dropped_latex.tex", "multiclass", "-", "latex", "GW", ("sign_dropped",)),
    Case("wrong_sign_dropped_numeric_en.txt", "multiclass", "-", "plain", "GOW", ("sign_dropped",)),
    Case("wrong_minus_not_distributed.txt", "multiclass", "-", "plain", "GW", ("minus_not_distributed",)),
    Case("wrong_minus_not_distributed_binary_ja.txt", "binary", "ja", "unicode", "GW", ("minus_not_distributed",)),
    Case("wrong_minus_not_distributed_latex.tex", "multiclass", "-", "latex", "GW", ("minus_not_distributed",)),
    Case("wrong_log_base_10_numeric.txt", "multiclass", "-", "plain", "GOOW", ("log_base_10",)),
    Case("wrong_log_base_10_symbolic.tex", "multiclass", "-", "latex", "GW", ("log_base_10",)),
    # one term in the wrong base, the slip of seed 002's worked mean
    Case("wrong_log_base_10_one_term.tex", "multiclass", "-", "latex", "GW", ("log_base_10",)),
    Case("wrong_log_base_10_one_term_binary.txt", "binary", "-", "plain", "GW", ("log_base_10",)),
    Case("wrong_log_base_2_numeric_ja.txt", "multiclass", "ja", "unicode", "GOW", ("log_base_2",)),
    Case("wrong_log_base_2_symbolic.txt", "multiclass", "-", "plain", "GW", ("log_base_2",)),
    Case("wrong_swapped_t_y.txt", "multiclass", "-", "plain", "GW", ("swapped_t_y",)),
    Case("wrong_swapped_t_y_ja.tex", "multiclass", "-", "latex", "GW", ("swapped_t_y",)),
    Case("wrong_t_dropped.txt", "multiclass", "-", "plain", "GW", ("t_dropped",)),
    Case("wrong_t_dropped_written.tex", "multiclass", "-", "latex", "GW", ("t_dropped",)),
    Case("wrong_t_dropped_ja.txt", "multiclass", "ja", "unicode", "GW", ("t_dropped",)),
    Case("wrong_sum_product_confused_pi_kept_ja.txt", "multiclass", "ja", "unicode", "GW", ("sum_product_confused",)),
    Case("wrong_sum_product_confused_sum_first.tex", "multiclass", "-", "latex", "WF", ("sum_product_confused",)),
    Case("wrong_sum_product_confused_log_sum.txt", "multiclass", "-", "plain", "GW", ("sum_product_confused",)),
    Case("wrong_sum_not_mean_batch.txt", "multiclass-batch", "-", "plain", "GW", ("sum_not_mean",)),
    Case("wrong_sum_not_mean_tokens.tex", "token-average", "-", "latex", "GW", ("sum_not_mean",)),
    Case("wrong_sum_not_mean_binary.txt", "binary", "en", "plain", "GW", ("sum_not_mean",)),
    Case("wrong_gradient_sign_softmax.txt", "softmax-gradient", "-", "plain", "GW", ("gradient_sign",)),
    Case("wrong_gradient_sign_sse_ja.tex", "sse-half", "ja", "latex", "GW", ("gradient_sign",)),
    Case("wrong_gradient_sign_softmax_latex_ja.tex", "softmax-gradient", "ja", "latex", "GW", ("gradient_sign",)),
    Case("wrong_softmax_diagonal_every_k.txt", "softmax-gradient", "-", "plain", "GW", ("softmax_diagonal_only",)),
    Case("wrong_softmax_diagonal_only_j.tex", "softmax-gradient", "-", "latex", "GW", ("softmax_diagonal_only",)),
    Case("wrong_wrong_class_numeric.txt", "multiclass", "-", "plain", "GW", ("wrong_class",),
         values={"y": [0.2, 0.7, 0.1], "t": [0, 1, 0]}),
    Case("wrong_wrong_class_symbolic_ja.tex", "multiclass", "ja", "latex", "GW", ("wrong_class",)),
    Case("wrong_wrong_class_numeric_ja.txt", "multiclass", "ja", "unicode", "GW", ("wrong_class",),
         values={"y": [0.33, 0.32, 0.35], "t": [0, 1, 0]}),
    Case("wrong_percent_scale.txt", "multiclass", "-", "plain", "GOW", ("percent_scale",)),
    Case("wrong_percent_scale_ja.txt", "multiclass", "-", "unicode", "GOW", ("percent_scale",),
         values={"y": [0.2, 0.7, 0.1], "t": [0, 1, 0]}),
    Case("wrong_probability_not_loss.txt", "multiclass", "-", "plain", "GOW", ("probability_not_loss",),
         values={"y": [0.2, 0.7, 0.1], "t": [0, 1, 0]}),
    Case("wrong_probability_not_loss_ja.txt", "multiclass", "ja", "unicode", "GOW", ("probability_not_loss",), values=DOG),
    Case("wrong_cited_power_for_product.txt", "multiclass", "en", "plain", "GO", mismatch=(3,), cited={3: "log_power"}),
    Case("wrong_cited_product_for_power_ja.txt", "multiclass", "ja", "plain", "GO", mismatch=(3,),
         cited={3: "log_product_to_sum"}),
    # --- what follows a wrong line, and lines that cannot be read -------------------------------------------------
    Case("from_wrong_product_of_logs.txt", "multiclass", "-", "plain", "GWFF", ("log_product_as_product",),
         rules={3: ["log_power"], 4: ["negate"]}),
    Case("from_wrong_sign_ja.tex", "multiclass", "-", "latex", "GWFF", ("sign_dropped",)),
    Case("unreadable_lines.txt", "multiclass", "-", "plain", "GUOUO"),
    Case("unreadable_latex_ja.tex", "multiclass", "-", "latex", "GUU"),
    # --- found in the review of issue 14: each of these was misjudged by the first build -------------------------
    Case("batch_index_i_latex.tex", "multiclass-batch", "-", "latex", "GOO",
         rules={3: ["take_log", "log_product_to_sum", "log_power"], 4: ["mean"]}),
    Case("softmax_condition_stated_ja.txt", "softmax-gradient", "ja", "unicode", "GIOO",
         rules={3: ["sum_to_one"], 4: ["differentiate"], 5: ["substitute_softmax"]},
         cited={3: "sum_to_one"}, conditions={3: "sum_to_one"}),
    Case("batch_copied_from_derive_text.txt", "multiclass-batch", "-", "unicode", "GOOOOO",
         rules={2: ["take_log"], 3: ["log_product_to_sum"], 4: ["log_power"], 5: ["negate"], 6: ["mean"]}),
    Case("token_copied_from_derive_text.txt", "token-average", "-", "unicode", "GIOO",
         rules={3: ["mean"], 4: ["perplexity"]}, conditions={2: "one_hot"}),
    Case("seed000_first_block.tex", "multiclass", "-", "latex", "GOO", rules={5: ["substitute_values"], 6: ["compute"]}),
    Case("batch_per_sample_en.txt", "multiclass-batch", "en", "unicode", "GOO", rules={4: ["mean"], 5: ["substitute"]},
         cited={4: "mean"}),
    Case("sse_half_unicode_half.txt", "sse-half", "-", "unicode", "GO", rules={2: ["differentiate"]}),
    Case("softmax_quotient_cited_ja.txt", "softmax-gradient", "ja", "unicode", "GO",
         rules={3: ["take_log", "log_quotient", "log_exp"]}, cited={3: "take_log"}),
    Case("batch_sums_swapped.txt", "multiclass-batch", "-", "unicode", "GO", rules={2: []}),
    Case("wrong_gradient_sign_from_y.txt", "softmax-gradient", "-", "unicode", "GW", ("gradient_sign",)),
    Case("wrong_sign_dropped_perplexity.txt", "token-average", "-", "unicode", "GOW", ("sign_dropped",)),
    Case("wrong_one_class_kept.txt", "multiclass", "-", "unicode", "GW"),
    Case("wrong_sum_not_mean_per_sample.txt", "multiclass-batch", "-", "unicode", "GW", ("sum_not_mean",)),
]
