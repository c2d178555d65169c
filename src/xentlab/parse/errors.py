"""Limits, stable error codes and the one exception every rejection raises."""

from __future__ import annotations

from xentlab.errors import InputError

# --- limits ---------------------------------------------------------------

MAX_LENGTH = 1000  # characters of the original text
MAX_SOURCE_LENGTH = 4000  # generated Python text (NFKC can expand characters)
MAX_NODES = 300  # expression nodes in the Python AST
MAX_DEPTH = 100  # AST depth; keeps the recursive builder far from the recursion limit
MAX_BRACKET_DEPTH = 40  # ( { nesting, checked before ast.parse
MAX_CALL_DEPTH = 4  # functions inside functions: SymPy's sign checks on numeric
#                     arguments (log(log(...(2)))) cost exponential time in the depth.
MAX_INT_DIGITS = 15  # integer literals: |n| < 10**15
MAX_SIGNIFICANT_DIGITS = 20  # decimal literals (a float repr needs at most 17)
MAX_SCI_EXPONENT = 400  # the "e-3" part of a literal
MAX_EXPONENT = 100  # |value| of any symbol-free exponent
MAX_EXACT_BITS = 4096  # numerator/denominator of any exact number built
MAX_ROOT_BITS = 512  # bits * numerator for a fractional power of an exact number:
#                      SymPy factors the base there, and that explodes beyond this.

# Stable codes -> meaning.  The CLI translates by code.
ERROR_CODES: dict[str, str] = {
    "empty": "nothing but whitespace",
    "too_long": "more than MAX_LENGTH characters (or expands past MAX_SOURCE_LENGTH)",
    "bad_character": "control, format/bidi, surrogate or otherwise unsupported character",
    "percent_sign": "'%' where it is not accepted",
    "unknown_command": "a LaTeX command outside the supported subset",
    "syntax": "not a well-formed expression (detail['subcode'] says why)",
    "unexpected_comma": "a comma outside function arguments (decimal comma?)",
    "forbidden_syntax": "valid Python syntax that is not part of the language",
    "unknown_name": "a variable name that is not allowed here",
    "unknown_function": "a call of something that is not a supported function",
    "bad_arity": "a function given the wrong number of arguments (0 = used bare)",
    "bad_log_base": "log(x, b) with b other than 2, 10 or e",
    "too_many_nodes": "more than MAX_NODES parts",
    "too_deep": "nesting deeper than MAX_BRACKET_DEPTH / MAX_DEPTH",
    "number_too_large": "a literal or an exact intermediate number beyond the limits",
    "exponent_too_large": "an exponent above MAX_EXPONENT or a power tower",
    "undefined": "the expression is undefined, e.g. division by zero, log(0)",
    "not_a_number": "parse_number: the value is not a finite real number",
}


class AnswerParseError(InputError):
    """A typed answer could not be accepted.

    ``code`` is a stable snake_case key (see ``ERROR_CODES``), ``offset`` a
    0-based index into the original text (or None when the whole text is at
    fault) and ``detail`` a dict with what a translator needs: e.g. ``name``,
    ``function``/``expected``/``got``, ``limit``, ``codepoint``/``char_name``,
    ``command``, ``token``, and ``subcode`` where one code has several causes
    (syntax: unexpected/incomplete/unmatched_bracket/...; too_deep:
    brackets/expression/function_nesting; number_too_large: power/
    intermediate/root_of_large_number; exponent_too_large: too_large/
    nested_power).
    """

    def __init__(self, code: str, message: str, offset: int | None = None, detail: dict | None = None):
        self.code = code
        self.message = message
        self.offset = offset
        self.detail = dict(detail or {})
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.offset is None:
            return self.message
        return f"{self.message} at column {self.offset + 1}"

    def __reduce__(self):
        return (self.__class__, (self.code, self.message, self.offset, self.detail))



def fail(code: str, message: str, offset: int | None = None, **detail) -> AnswerParseError:
    return AnswerParseError(code, message, offset, detail)


