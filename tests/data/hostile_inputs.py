"""Hostile answer texts for tests/test_parse_hostile.py.

A Python list rather than a text file: NUL, bidi controls and lone
surrogates are clearer as \\u escapes, and some inputs are generated.

HOSTILE: (label, text, expected error code).  Every one must raise
AnswerParseError with exactly that code.
HEAVY: (label, text), valid or not, built to make SymPy work hard; each must
finish (either way) within the time budget.
"""


def _balanced_sum(leaves: int) -> str:
    """((1+1)+(1+1))...: many nodes, shallow tree."""
    if leaves == 1:
        return "1"
    half = leaves // 2
    return f"({_balanced_sum(half)}+{_balanced_sum(leaves - half)})"


def _fill(template: str, start: int, limit: int = 990, sep: str = "+") -> str:
    """Join template % k for k = start, start+1, ... while under `limit` chars."""
    parts: list[str] = []
    k = start
    while len(sep.join(parts + [template % k])) <= limit:
        parts.append(template % k)
        k += 1
    return sep.join(parts)


HOSTILE: list[tuple[str, str, str]] = [
    # --- code injection ----------------------------------------------------
    ("import_system", "__import__('os').system('touch /tmp/pwn')", "bad_character"),
    ("open_read", "open('/etc/passwd').read()", "bad_character"),
    ("exec_string", 'exec("import os")', "bad_character"),
    ("eval_string", 'eval("1+1")', "bad_character"),
    ("import_bare", "__import__", "unknown_name"),
    ("exec_call", "exec(y)", "unknown_function"),
    ("eval_call", "eval(y1)", "unknown_function"),
    ("compile_call", "compile(y)", "unknown_function"),
    ("globals_call", "globals()", "unknown_function"),
    ("breakpoint_call", "breakpoint()", "unknown_function"),
    ("getattr_call", "getattr(y, t)", "unknown_function"),
    ("fullwidth_exec", "ｅｘｅｃ（ｙ）", "unknown_function"),
    ("math_bold_exec", "\U0001d41e\U0001d431\U0001d41e\U0001d41c(y)", "unknown_function"),
    ("import_statement", "import os", "unknown_name"),
    ("semicolon", "y; import os", "bad_character"),
    ("newline_statement", "y\nimport os", "bad_character"),
    ("crlf_statement", "y\r\n__import__('os')", "bad_character"),
    # --- attribute walks, dunders ----------------------------------------------
    ("subclasses_walk", "().__class__.__bases__[0].__subclasses__()", "bad_character"),
    ("tuple_class", "().__class__", "forbidden_syntax"),
    ("symbol_class", "y1.__class__", "forbidden_syntax"),
    ("function_globals", "log.__globals__", "forbidden_syntax"),
    ("mro_walk", "y.__class__.__mro__", "forbidden_syntax"),
    ("constant_attribute", "pi.__class__", "forbidden_syntax"),
    ("number_attribute", "1 .real", "forbidden_syntax"),
    ("builtins_name", "__builtins__", "unknown_name"),
    ("dunder_call", "__class__(y)", "unknown_function"),
    # --- other Python syntax ------------------------------------------------------
    ("subscript", "y1[0]", "bad_character"),
    ("list_comprehension", "[y for y in t]", "bad_character"),
    ("generator", "(y for y in t)", "unknown_name"),
    ("lambda", "lambda: 0", "bad_character"),
    ("lambda_bare", "lambda", "unknown_name"),
    ("walrus", "(y := 2)", "bad_character"),
    ("fstring", "f'{y}'", "bad_character"),
    ("string_literal", "'abc'", "bad_character"),
    ("bytes_literal", "b'abc'", "bad_character"),
    ("starred_arg", "log(*y)", "forbidden_syntax"),
    ("double_starred_arg", "log(**y)", "forbidden_syntax"),
    ("keyword_arg", "log(y, base=2)", "bad_character"),
    ("conditional", "1 if y else 2", "unknown_name"),
    ("boolean_not", "not y", "unknown_name"),
    ("boolean_or", "y or t", "unknown_name"),
    ("await", "await y", "unknown_name"),
    ("true_constant", "True", "unknown_name"),
    ("none_constant", "None", "unknown_name"),
    ("matmul", "y1 @ y2", "bad_character"),
    ("modulo", "y1 % y2", "percent_sign"),
    ("floordiv", "y1 // y2", "syntax"),
    ("invert", "~y", "bad_character"),
    ("shift", "y << 2", "bad_character"),
    ("compare", "y == 1", "bad_character"),
    ("ellipsis", "...", "syntax"),
    ("complex_literal", "1j", "unknown_name"),
    ("hex_literal", "0x1F", "unknown_name"),
    ("underscore_literal", "1_000", "unknown_name"),
    ("tuple", "(1, 2)", "unexpected_comma"),
    ("decimal_comma", "0,5", "unexpected_comma"),
    # --- size and growth ---------------------------------------------------------
    ("power_tower", "9**9**9**9", "exponent_too_large"),
    ("huge_power", "2**99999", "exponent_too_large"),
    ("power_tower_10", "10**10**10", "exponent_too_large"),
    ("caret_power", "2^10000", "exponent_too_large"),
    ("parenthesised_tower", "10**(10**10)", "exponent_too_large"),
    ("negative_huge_power", "2**-9999", "exponent_too_large"),
    ("symbolic_tower", "y**y**y", "exponent_too_large"),
    ("latex_tower", "e^{e^{e^{y}}}", "exponent_too_large"),
    ("computed_exponent", "2**(99*99*99)", "exponent_too_large"),
    ("exp_exponent", "2**exp(exp(3))", "exponent_too_large"),
    ("power_of_power", "((10**12)**100)**100", "number_too_large"),
    ("big_power_product", "999999999999999**100*999999999999999**100", "number_too_large"),
    ("root_product", _fill("sqrt(%d)", 999999999999900, sep="*"), "number_too_large"),
    ("fractional_power_big_base", "(999999999999989/999999999999947)^(99/97)", "number_too_large"),
    ("factorial_bang", "5!", "bad_character"),
    ("factorial_name", "factorial(5)", "unknown_function"),
    ("gamma_name", "gamma(5)", "unknown_function"),
    ("huge_int_5000", "9" * 5000, "too_long"),
    ("huge_int_999", "9" * 999, "number_too_large"),
    ("long_decimal", "1." + "1" * 900, "number_too_large"),
    ("float_overflow", "1e309", "number_too_large"),
    ("sci_exponent", "1e-9999", "number_too_large"),
    ("deep_parens_5000", "(" * 5000 + "1" + ")" * 5000, "too_long"),
    ("deep_parens_499", "(" * 499 + "1" + ")" * 499, "too_deep"),
    ("deep_parens_41", "(" * 41 + "1" + ")" * 41, "too_deep"),
    ("deep_braces", "{" * 41 + "y" + "}" * 41, "too_deep"),
    ("unary_chain_5000", "-" * 5000 + "1", "too_long"),
    ("unary_chain_999", "-" * 999 + "1", "too_deep"),
    ("long_sum", "+".join(["1"] * 400), "too_deep"),
    ("many_nodes", _balanced_sum(160), "too_many_nodes"),
    ("bare_log_chain", "\\log" * 200 + " y", "too_deep"),
    ("nested_functions", "log(log(log(log(log(2)))))", "too_deep"),
    ("very_long", "y" * 1001, "too_long"),
    ("long_whitespace", "y" + " " * 2000, "too_long"),
    ("long_name", "y" * 999, "unknown_name"),
    # --- characters --------------------------------------------------------------
    ("nul", "y\x00", "bad_character"),
    ("nul_alone", "\x00", "bad_character"),
    ("nul_in_call", "log(y\x001)", "bad_character"),
    ("bidi_override", "y1\u202e+t1", "bad_character"),
    ("bidi_isolate", "\u2066y\u2069", "bad_character"),
    ("lrm", "y\u200e", "bad_character"),
    ("arabic_mark", "y\u061c1", "bad_character"),
    ("zero_width_space", "y\u200b1", "bad_character"),
    ("zero_width_joiner", "y\u200d1", "bad_character"),
    ("bom", "\ufeffy", "bad_character"),
    ("line_separator", "y\u2028t", "bad_character"),
    ("lone_surrogate", "y\ud800", "bad_character"),
    ("emoji", "y\U0001f600", "bad_character"),
    ("emoji_alone", "\U0001f4a3", "bad_character"),
    ("combining_mark", "y\u0301", "bad_character"),
    ("vulgar_fraction", "3\u00bd", "bad_character"),
    ("escape_sequence", "y\x1b[31m", "bad_character"),
    # --- LaTeX ---------------------------------------------------------------------
    ("latex_input", "\\input{/etc/passwd}", "unknown_command"),
    ("latex_def", "\\def\\x{1}", "unknown_command"),
    ("latex_write18", "\\write18{rm -rf /}", "unknown_command"),
    ("latex_immediate", "\\immediate\\write18{touch /tmp/pwn}", "unknown_command"),
    ("latex_catcode", "\\catcode`\\^^@=11", "bad_character"),
    ("latex_newcommand", "\\newcommand{\\x}{1}", "unknown_command"),
    ("latex_usepackage", "\\usepackage{shellesc}", "unknown_command"),
    ("latex_backslashes", "y \\\\ t", "unknown_command"),
    ("latex_sum", "\\sum y", "unknown_command"),
    ("latex_frac_one_arg", "\\frac{1}", "syntax"),
    ("latex_sqrt_index", "\\sqrt[3]{8}", "bad_character"),
    ("latex_trailing_backslash", "y\\", "unknown_command"),
    # --- undefined ----------------------------------------------------------------
    ("division_by_zero", "1/(y-y)", "undefined"),
    ("log_zero", "log(1-1)", "undefined"),
    ("empty", "", "empty"),
    ("blank", " \t\n ", "empty"),
    ("percent_alone", "%", "percent_sign"),
]

HEAVY: list[tuple[str, str]] = [
    ("nested_log_sum", _fill("log(log(log(log(%d))))", 2)),
    # limits keep these just under MAX_NODES, so they are built, not rejected
    ("nested_log_minus_sum", _fill("log(3-log(3-log(3-log(%d))))", 2, limit=700)),
    ("hidden_zero_log", _fill("log(log(8)-3*log(2)+log(log(%d)))", 2, limit=750)),
    ("sqrt_sum", _fill("sqrt(%d)", 999999999999900)),
    ("reciprocal_sum", _fill("1/%d", 99999999999000)),
    ("decimal_product", _fill("0.1234567890123456%d", 10, sep="*")),
    ("decimal_quotient", _fill("0.1234567890123456%d", 10, sep="/")),
    ("exp_tower", "exp(exp(exp(exp(100))))"),
    ("exp_of_power", "exp(10**10)"),
    ("sqrt_nested", "sqrt(" * 4 + "999999999999989" + ")" * 4),
    ("conjugate_powers", "(1+sqrt(2))^99*(1-sqrt(2))^99"),
    ("prime_powers", "2^100*3^100*5^100*7^100*11^100*13^100*17^100*19^100*23^100"),
    ("rational_powers", _fill("(%d/7)^99", 999999999999)),
    ("pi_e_mix", _fill("log(pi-3-log(%d)/pi)", 2, limit=600)),
    ("symbolic_big_exponent", "y^(1000*t)*2^(99999*t)"),
]
