"""Hostile lines for the indexed language of derivations (parse_indexed, `check --steps`).

INDEXED_HOSTILE: (label, text, expected error code), each rejected by parse_indexed with that code.
HOSTILE_DERIVATIONS: (label, text): whole derivations that must come back as a report (lines
unreadable where they must be), quickly, never as an exception.
"""

NESTED_FOUR = r"\sum_{k=1}^{2}\sum_{j=1}^{2}\sum_{m=1}^{2}\sum_{n=1}^{2} y_{k}"

INDEXED_HOSTILE = [
    # --- bounds ----------------------------------------------------------------------------------
    ("huge_upper_bound", r"\sum_{k=1}^{1000000} y_{k}", "too_many_terms"),
    ("huge_upper_unicode", "Σ_{k=1}^{99999999} t_k log y_k", "too_many_terms"),
    ("upper_just_over", r"\prod_{k=1}^{101} y_k^{t_k}", "too_many_terms"),
    ("nested_too_many_terms", r"\sum_{n=1}^{100}\sum_{k=1}^{100} y_{n,k}", "too_many_terms"),
    ("nested_four_deep", NESTED_FOUR, "too_deep"),
    ("upper_below_lower", r"\sum_{k=5}^{2} y_k", "bad_bounds"),
    ("bound_not_a_size", r"\sum_{k=1}^{x} y_k", "bad_bounds"),
    ("index_not_a_letter_we_know", r"\sum_{q=1}^{K} y_q", "bad_bounds"),
    ("size_as_index", r"\sum_{K=1}^{K} y_K", "bad_bounds"),
    ("sum_without_summand", r"\sum_{k=1}^{K}", "syntax"),
    ("sum_without_index", r"\sum y", "bad_bounds"),
    ("huge_exponent_bound", r"\sum_{k=1}^{K^{999}} y_k", "bad_bounds"),
    ("bound_with_letters", r"\sum_{k=1}^{Kx} y_k", "bad_bounds"),
    # --- index clashes -----------------------------------------------------------------------------
    ("index_clash", r"\sum_{k=1}^{K}\sum_{k=1}^{K} t_k \log y_k", "index_clash"),
    ("index_clash_prod_in_sum", r"\sum_{k} \log \prod_{k} y_k", "index_clash"),
    ("index_clash_unicode", "Σ_k Σ_k y_k", "index_clash"),
    # --- subscripts ----------------------------------------------------------------------------------
    ("index_zero", "y_{0}", "bad_index"),
    ("index_too_large", "t_{101}", "bad_index"),
    ("index_huge_digits", "y_{99999999999999999999}", "bad_index"),
    ("subscript_expression", "y_{k+1}", "bad_index"),
    ("subscript_on_log_arg", "L_{k}", "unknown_name"),
    ("index_letter_alone", "k + 1", "unknown_name"),
    ("dunder_subscript", "y_{__class__}", "bad_index"),
    ("subscript_python_index", "y_{[0]}", "bad_index"),
    ("four_indices", "y_{n,k,j,m}", "forbidden_syntax"),
    # --- ellipsis --------------------------------------------------------------------------------------
    ("ellipsis_alone", r"\cdots", "ellipsis"),
    ("ellipsis_first", r"\cdots + y_K", "ellipsis"),
    ("ellipsis_twice", r"y_1 + \cdots + y_5 + \cdots + y_K", "ellipsis"),
    ("ellipsis_no_pattern", "y_1 + t_2 + … + z_K", "ellipsis"),
    ("ellipsis_gap", r"y_1 + y_3 + \dots + y_K", "ellipsis"),
    ("ellipsis_in_log", r"\log \cdots", "syntax"),
    ("ellipsis_too_many_terms", "y_1 + y_2 + ... + y_100000", "bad_index"),
    # --- reserved names and code ----------------------------------------------------------------------
    ("reserved_sum_call", "__sum__(y_k, k, 1, K)", "unknown_name"),
    ("reserved_prod_call", "__prod__(y_k, k, 1, 1000000)", "unknown_name"),
    ("sum_word_call", "sum(y_k)", "unknown_function"),
    ("import_in_bound", r"\sum_{k=1}^{__import__('os')} y_k", "bad_character"),
    ("equals_outside_bounds", "y_1 = 2", "bad_character"),
    ("keyword_name", "lambda_k", "unknown_name"),
    ("sum_in_exponent_of_number", r"10^{\sum_{k=1}^{100} 100}", "exponent_too_large"),
]

HOSTILE_DERIVATIONS = [
    ("huge_written_sum", "L = y_1^{t_1}\nlog L = \\sum_{k=1}^{10^9} t_k \\log y_k"),
    ("many_lines", "\n".join(["E = -t_1 \\log y_1"] * 400)),
    ("long_line", "E = " + " + ".join(f"t_{q} log y_{q}" for q in range(1, 200))),
    ("nested_sums", "E = " + NESTED_FOUR),
    ("clash", "log L = \\sum_k \\sum_k t_k \\log y_k"),
    ("injection_lhs", "__import__('os').system('true') = 1"),
    ("injection_rhs", "E = __import__('os').system('true')"),
    ("latex_input", "E = \\input{/etc/passwd}"),
    ("write18", "\\immediate\\write18{touch /tmp/pwned}"),
    ("only_equals", "= = = ="),
    ("control_characters", "E = -\u0000log y\u202e"),
    ("bidi_prose", "\u202eby the power rule\u202c\nE = -t_1 \\log y_1"),
    ("empty", ""),
    ("whitespace", " \n\t\n  "),
    ("derivative_soup", "\\frac{\\partial E}{\\partial z_{j}} = \\frac{\\partial}{\\partial z_{j}} \\frac{\\partial}{\\partial z_{j}}"),
    ("power_tower", "E = 9^{9^{9^{9}}}"),
    ("deep_brackets", "E = " + "(" * 60 + "y_1" + ")" * 60),
]
