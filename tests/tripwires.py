"""Tripwires for the entry points untrusted text must never reach (eval, exec, compile to code,
sympify of a string, parse_expr, lambdify), shared by the tests of parse_indexed and check --steps."""

import ast
import builtins
import importlib

import sympy as sp


def arm(monkeypatch) -> list:
    """Replace the dangerous callables; returns the list their calls are recorded in."""
    calls: list = []
    sympify_module = importlib.import_module("sympy.core.sympify")
    real_sympify = sympify_module.sympify

    def sympify_without_strings(a, *args, **kwargs):
        if isinstance(a, str):
            calls.append("sympify(str)")
            raise AssertionError("a string reached sympify")
        return real_sympify(a, *args, **kwargs)

    real_compile = builtins.compile

    def compile_ast_only(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & ast.PyCF_ONLY_AST:
            calls.append("compile")
            raise AssertionError("compile to bytecode")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def refuse(name):
        def tripwire(*args, **kwargs):
            calls.append(name)
            raise AssertionError(name)
        return tripwire

    monkeypatch.setattr(sympify_module, "sympify", sympify_without_strings)
    monkeypatch.setattr(sp, "sympify", sympify_without_strings)
    monkeypatch.setattr(importlib.import_module("sympy.parsing.sympy_parser"), "parse_expr", refuse("parse_expr"))
    monkeypatch.setattr(importlib.import_module("sympy.utilities.lambdify"), "lambdify", refuse("lambdify"))
    monkeypatch.setattr(sp, "lambdify", refuse("lambdify"))
    monkeypatch.setattr(builtins, "eval", refuse("eval"))
    monkeypatch.setattr(builtins, "exec", refuse("exec"))
    monkeypatch.setattr(builtins, "compile", compile_ast_only)
    return calls
