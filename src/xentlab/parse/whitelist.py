"""ast.parse (parse only, never compiled) and the whitelist walk of the tree."""

from __future__ import annotations

import ast

from xentlab.parse.errors import MAX_CALL_DEPTH, MAX_DEPTH, MAX_NODES, AnswerParseError, fail
from xentlab.parse.latex import Source

# --- step 4: ast.parse and whitelist check --------------------------------

def _syntax_error(src: Source, err: SyntaxError) -> AnswerParseError:
    idx = (err.offset or 0) - 1
    if err.lineno not in (None, 1) or idx < 0 or idx >= len(src.text):
        return fail("syntax", "the expression is incomplete", src.offs[-1], subcode="incomplete")
    while idx < len(src.text) and src.toks[idx] < 0:
        idx += 1
    if idx >= len(src.text):
        return fail("syntax", "the expression is incomplete", src.offs[-1], subcode="incomplete")
    token = src.tok_texts[src.toks[idx]]
    return fail("syntax", f"unexpected {token!r}", src.offs[idx], subcode="unexpected", token=token)


def parse_ast(src: Source) -> ast.expr:
    try:
        tree = ast.parse(src.text, mode="eval")
    except SyntaxError as err:
        raise _syntax_error(src, err) from None
    except (RecursionError, MemoryError):
        raise fail("too_deep", "the expression is nested too deeply", None, subcode="parser") from None
    except ValueError:  # e.g. NUL; unreachable after the character checks
        raise fail("syntax", "the expression cannot be read", None, subcode="invalid") from None
    return tree.body


_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_UNARY = (ast.USub, ast.UAdd)


def _forbidden(node: ast.AST, pos: int, what: str) -> AnswerParseError:
    return fail("forbidden_syntax", f"{what} is not allowed", pos, node=type(node).__name__)


def _check_subscript(node: ast.Subscript, pos: int) -> None:
    """y[k], y[1], y[n, k]: a name, indexed by names or whole numbers (nothing else)."""
    items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    plain = isinstance(node.value, ast.Name) and 1 <= len(items) <= 3 and all(
        isinstance(i, ast.Name) or (isinstance(i, ast.Constant) and type(i.value) is int) for i in items)
    if not plain:
        raise _forbidden(node, pos, "this subscript")


def validate(root: ast.expr, src: Source, indexed: bool = False) -> None:
    """Whitelist walk, iterative, so a hostile tree cannot exhaust the stack. `indexed`
    (parse_indexed) also admits y[k], y[n, k] and the ellipsis, which only its tokenizer writes."""
    count = 0
    stack: list[tuple[ast.expr, int, int]] = [(root, 1, 0)]
    while stack:
        node, depth, calls = stack.pop()
        pos = src.offs[node.col_offset]
        count += 1
        if count > MAX_NODES:
            raise fail("too_many_nodes", f"the expression has more than {MAX_NODES} parts", None,
                        limit=MAX_NODES)
        if depth > MAX_DEPTH:
            raise fail("too_deep", f"the expression is nested more than {MAX_DEPTH} deep", pos,
                        limit=MAX_DEPTH, subcode="expression")
        children: list[ast.expr] = []
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, _BINOPS):
                raise _forbidden(node, pos, f"operator {type(node.op).__name__}")
            children = [node.left, node.right]
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, _UNARY):
                raise _forbidden(node, pos, f"operator {type(node.op).__name__}")
            children = [node.operand]
        elif indexed and isinstance(node, ast.Constant) and node.value is Ellipsis:
            pass
        elif indexed and isinstance(node, ast.Subscript):
            _check_subscript(node, pos)
        elif isinstance(node, ast.Constant):
            if type(node.value) not in (int, float):
                raise _forbidden(node, pos, "this literal")
        elif isinstance(node, ast.Name):
            pass
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise _forbidden(node, pos, "calling this")
            if node.keywords:
                raise _forbidden(node.keywords[0], pos, "a keyword argument")
            for arg in node.args:
                if isinstance(arg, ast.Starred):
                    raise _forbidden(arg, src.offs[arg.col_offset], "'*' before an argument")
            calls += 1
            if calls > MAX_CALL_DEPTH:
                raise fail("too_deep", f"functions nested more than {MAX_CALL_DEPTH} deep", pos,
                            limit=MAX_CALL_DEPTH, subcode="function_nesting")
            children = list(node.args)
        elif isinstance(node, ast.Tuple):
            comma = src.offs[node.elts[0].end_col_offset] if node.elts else pos
            raise fail("unexpected_comma", "comma outside function arguments (use '.' for decimals)",
                        comma)
        elif isinstance(node, ast.Attribute):
            raise _forbidden(node, src.offs[node.value.end_col_offset], "'.' after a value")
        else:
            raise _forbidden(node, pos, "this construct")
        stack.extend((child, depth + 1, calls) for child in reversed(children))


