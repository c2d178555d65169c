"""Check a derivation line by line: for each line, whether it holds (truth.py) and how it follows
from the line before (search.py names the rules); at the first wrong line, which mistake
(diagnose.py). Lines after a wrong one are checked against the student's own line before
(ok_from_wrong). Returns a Report; never raises on what the student typed."""

from __future__ import annotations

import zlib

import sympy as sp

from xentlab.parse import AnswerParseError
from xentlab.steps import kinds as kinds_module
from xentlab.steps import numeric
from xentlab.steps.canon import canonical, replace
from xentlab.steps.citations import cite
from xentlab.steps.diagnose import diagnose
from xentlab.steps.lines import Entry, layout, split_equals
from xentlab.steps.model import MAX_STEP, LineResult, Report
from xentlab.steps.moves import Scope
from xentlab.steps.names import is_quantity, parse_lhs, parse_side
from xentlab.steps.search import search
from xentlab.steps.transitions import claims_for, item_mean
from xentlab.steps.truth import Context, Outcome, _number, holds, value
from xentlab.verify import NARROWER
from xentlab import rules


MAX_DIAGNOSED = 5  # wrong lines per derivation whose mistake is searched in the catalogue


def derivation_seed(text: str) -> int:
    """Random points for a derivation come from a seed fixed by its text: same text, same report."""
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def check(text: str, *, values: dict | None = None, start: str | None = None, kind: str | None = None,
          seed: int | None = None) -> Report:
    parts = split_equals(start) if start else []
    start_lhs = parts[0] if len(parts) > 1 else ""
    lay = layout(text, lhs=start_lhs)
    entries = list(lay.entries)
    if start:
        entries.insert(0, Entry(0, start, start_lhs, parts[-1]))
    seed = derivation_seed((start or "") + "\n" + text) if seed is None else seed
    parsed = [_parse(entry) for entry in entries]
    exprs = [x for r in parsed if r.relation != "unreadable" for x in (r.lhs, r.rhs)]
    ctx = _context(exprs, kind, seed, values, parsed)
    checker = _Checker(ctx)
    for index, result in enumerate(parsed):
        if result.relation != "unreadable":
            _relate_or_not_checked(checker, index, result)
    prose = {r.n: list(e.prose_before) for r, e in zip(parsed, entries) if e.prose_before}
    return Report(parsed, ctx.kind.name, prose, lay.trailing, lay.truncated)


def _parse(entry: Entry) -> LineResult:
    result = LineResult(entry.row, entry.text, "unreadable", claim=entry.claim, rhs_text=entry.rhs_text)
    if not entry.lhs_text:
        result.message = {"code": "no_lhs", "offset": None, "reason": "no left-hand side"}
        return result
    side = entry.lhs_text
    try:
        result.lhs = parse_lhs(entry.lhs_text)
        side = entry.rhs_text
        result.rhs = parse_side(entry.rhs_text)
    except AnswerParseError as error:
        offset = error.offset
        if offset is not None and side and side in entry.text:  # a position in the line as typed
            offset += entry.text.index(side)
        result.message = {"code": error.code, "offset": offset, "reason": str(error)[:200]}
        result.lhs = result.rhs = None
        return result
    result.relation = ""
    return result


def _relate_or_not_checked(checker, index: int, line: LineResult) -> None:
    """One line that SymPy cannot take (a shape no test foresaw) is 'could not be checked', never a
    traceback for the whole derivation; a time limit from the caller still stops the check."""
    from xentlab.limits import CheckTimeout

    try:
        checker.relate(index, line)
    except CheckTimeout:
        raise
    except Exception as error:  # noqa: BLE001 - the student's line stays data; the report goes on
        line.relation, line.rules, line.diagnosis = "unreadable", [], []
        line.message = {"code": "not_checked", "offset": None, "reason": type(error).__name__}


def _context(exprs, kind, seed, values, parsed) -> Context:
    names = [kinds_module.ALIASES.get(kind, kind)] if kind else kinds_module.guess(exprs)
    first = next((r for r in parsed if r.relation != "unreadable"), None)
    chosen = None
    for name in names:
        bindings = numeric.bindings_from(values, name)
        fixed = kinds_module.fixed_sizes(name, exprs + [sp.Tuple(*bindings)])  # --y with 3 values: K = 3
        ctx = Context(kinds_module.kind(name), seed, fixed, dict(fixed), bindings)
        if first is None or chosen is None and _true_somewhere(ctx, first):
            chosen = ctx
            break
    if chosen is None:
        bindings = numeric.bindings_from(values, names[0])
        fixed = kinds_module.fixed_sizes(names[0], exprs + [sp.Tuple(*bindings)])
        chosen = Context(kinds_module.kind(names[0]), seed, fixed, dict(fixed), bindings)
    return chosen


def _true_somewhere(ctx: Context, line: LineResult) -> bool:
    if numeric.is_numeric(line.rhs):
        return False
    for condition in ctx.kind.conditions:
        for alternative in range(2):
            if holds(ctx, line.lhs, line.rhs, condition, 99, alternative=alternative).holds:
                ctx.alternative = alternative
                return True
    return False


class _Checker:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.domain = ctx.kind.conditions[0]
        self.previous: LineResult | None = None
        self.erred = False
        self.wrong_lines = 0
        self.scope = Scope(fixed=dict(ctx.fixed), kind=ctx.kind.name)

    # --- truth ---------------------------------------------------------------------------

    def truth(self, line: LineResult, index: int) -> tuple[Outcome, str | None]:
        """Does the line hold on the current domain, or only on a narrower named one?"""
        first = self._holds(line.lhs, line.rhs, self.domain, index, 0)
        if first.holds:
            return first, None
        for q, narrower in enumerate(NARROWER.get(self.domain, ())):
            if narrower == "single_sample" and _over_samples(line.rhs):
                continue  # Σ_n kept but 1/N lost: sum_not_mean, not "true when N = 1"
            if narrower in self.ctx.kind.conditions:
                outcome = self._holds(line.lhs, line.rhs, narrower, index, q + 1)
                if outcome.holds:
                    return outcome, narrower
        return first, None

    def _holds(self, lhs, rhs, domain, *path) -> Outcome:
        """holds() with the derivation's definitions; a quantity with two (binary E: one sample
        or the mean over N) holds by either, and the one that holds is kept."""
        outcome = holds(self.ctx, lhs, rhs, domain, *path, alternative=self.ctx.alternative)
        if outcome.holds or not any(len(d) > 1 for d in self.ctx.kind.definitions.values()):
            return outcome
        second = holds(self.ctx, lhs, rhs, domain, *path, alternative=1 - self.ctx.alternative)
        return second if second.holds else outcome

    # --- one line ------------------------------------------------------------------------

    def relate(self, index: int, line: LineResult) -> None:
        if numeric.is_numeric(line.rhs) and self.previous is not None:
            self._numeric(index, line)
        elif self.previous is None:
            self._first(index, line)
        else:
            self._step(index, line)
        cite(line, self.previous, self.ctx, self.scope)
        if line.relation != "unreadable":
            self.previous = line
            self.scope.knowns.append((line.lhs, line.rhs))

    def _first(self, index: int, line: LineResult) -> None:
        outcome, condition = self.truth(line, index)
        if not outcome.holds:
            outcome, condition = self._with_substituted_values(index, line, (outcome, condition))
        if outcome.holds:
            line.relation, line.condition = "given", condition
            self.domain = condition or self.domain
            return
        if numeric.is_numeric(line.rhs) and self._value_of(line.lhs) is None:  # as any numeric line
            line.message = {"code": "no_values", "offset": None, "reason": "the values of y and t are not known"}
            line.relation = "unreadable"
            return
        self._wrong(index, line, [(_expanded_claim(self.ctx, line.lhs), [])], outcome)

    def _with_substituted_values(self, index: int, line: LineResult, before):
        """A first line that writes values into its definition (seed 000: L = y_1^1 · y_2^0 · y_3^0,
        the dog's labels) binds them, as a substitution line does; kept only if the line then holds."""
        if not is_quantity(line.lhs):  # L, E, E_sum, PPL: a definition with no index of the line's own
            return before
        definition = _expanded_claim(self.ctx, line.lhs)
        found = numeric.substituted(definition, line.rhs, rules.write_out(definition, self.scope.fixed))
        if not found or any(v in self.ctx.bindings and abs(self.ctx.bindings[v] - x) > 1e-9 for v, x in found.items()):
            return before
        saved = dict(self.ctx.bindings)
        self.ctx.bindings.update(found)
        after = self.truth(line, index)
        if not after[0].holds:
            self.ctx.bindings.clear()
            self.ctx.bindings.update(saved)
            return before
        return after

    def _step(self, index: int, line: LineResult) -> None:
        prev = self.previous
        options = claims_for(prev.lhs, prev.rhs, line.lhs, self.ctx)
        outcome, condition = self.truth(line, index)
        if outcome.holds:
            rules_ = self._name(options, line)
            if condition is not None:
                line.relation, line.condition = "ok_if", condition
                self.domain = condition
            elif rules_ is None or len(rules_) > MAX_STEP:
                line.relation = "ok_big_step"
            else:
                line.relation = "ok"
            line.rules = rules_ if rules_ is not None else _transition_rules(options)
            return
        if self.erred:
            for claim, transition in options:
                if self._holds(claim, line.rhs, self.domain, index, 11).holds:
                    line.relation = "ok_from_wrong"
                    path = search(claim, line.rhs, self.scope)
                    line.rules = transition + (path or [])
                    return
        self._wrong(index, line, options or [(_expanded_claim(self.ctx, line.lhs), [])], outcome)

    def _name(self, options, line: LineResult) -> list[str] | None:
        target = line.rhs
        if is_quantity(line.lhs) and line.lhs in self.ctx.kind.transitions:
            definition, rule = self.ctx.kind.transitions[line.lhs]
            if canonical(definition) == canonical(target):
                return [rule]
        mean = item_mean(self.previous.lhs, line.lhs) if self.previous is not None else None
        if mean is not None and canonical(mean) == canonical(target):
            return ["mean"]
        best = None
        for claim, transition in options:
            path = search(claim, target, self.scope)
            if path is None:  # written backwards (logs combined, a Σ folded back): search from the line itself
                back = search(target, claim, self.scope, max_depth=3)
                path = list(reversed(back)) if back is not None else None
            if path is None and "differentiate" in transition:
                path = []  # the derivative is one step; its simplification is not searched
            if path is not None:
                found = transition + path
                if best is None or len(found) < len(best):
                    best = found
        return best

    def _wrong(self, index: int, line: LineResult, options, outcome: Outcome) -> None:
        line.relation = "wrong"
        line.counterexample = outcome.counterexample
        first, self.erred = not self.erred, True
        self.wrong_lines += 1
        if self.wrong_lines > MAX_DIAGNOSED:
            return  # a long run of wrong lines keeps its counterexamples; the check stays bounded
        info = {"lhs": line.lhs, "other_classes": self._other_classes()}
        codes, term = (), None
        meaning = _expanded_claim(self.ctx, line.lhs)  # ∂E/∂z_j after E written in y: the line before says 0
        options = list(options) + ([(meaning, [])] if all(claim != meaning for claim, _ in options) else [])
        # At the first wrong line, a mistake may only reproduce the line where the step's condition holds
        # (∂E/∂z_j = t_j − y_j is the sign flipped only when Σ t_k = 1).
        narrower = [d for d in NARROWER.get(self.domain, ()) if d in self.ctx.kind.conditions] if first else []
        for d, domain in enumerate([self.domain, *narrower]):
            for q, (claim, transition) in enumerate(options):
                path = (index, 20 + q) if d == 0 else (index, 40 + 10 * d + q)
                codes, term = diagnose(self.ctx, line.lhs, claim, line.rhs, domain, self.scope, info, path)
                if not codes and transition and d == 0:  # the relation itself lost: E = log L
                    codes, term = self._lost_transition(index, line, transition)
                if codes:
                    break
            if codes:
                break
        line.diagnosis = list(codes)
        line.term_expr = term

    def _lost_transition(self, index: int, line: LineResult, transition):
        prev = self.previous
        if "negate" in transition and self._holds(prev.rhs, line.rhs, self.domain, index, 21).holds:
            return ("sign_dropped",), line.rhs
        if "mean" in transition:
            for claim, _ in claims_for(prev.lhs, prev.rhs, line.lhs, self.ctx):
                undivided = claim.xreplace({sp.Pow(s, -1): 1 for s in (numeric.n.N, numeric.n.T)})
                if self._holds(undivided, line.rhs, self.domain, index, 22).holds:
                    return ("sum_not_mean",), line.rhs
        return (), None

    def _other_classes(self):
        hot = [v for v, x in self.ctx.bindings.items() if isinstance(v, sp.Indexed) and v.base == numeric.n.t and x == 1]
        if len(hot) != 1:
            return ()
        classes = {v.indices[-1] for v in self.ctx.bindings if isinstance(v, sp.Indexed) and v.base == numeric.n.y}
        return tuple(sorted(c for c in classes if c != hot[0].indices[-1]))

    # --- numbers -------------------------------------------------------------------------

    def _numeric(self, index: int, line: LineResult) -> None:
        prev = self.previous
        symbolic_before = not numeric.is_numeric(prev.rhs)
        if symbolic_before:
            written = rules.write_out(prev.rhs, self.scope.fixed)
            found = numeric.substituted(prev.rhs, line.rhs, written)
            if found:
                clash = [v for v, x in found.items() if v in self.ctx.bindings and abs(self.ctx.bindings[v] - x) > 1e-9]
                if not clash:
                    self.ctx.bindings.update(found)
        expected = self._value_of(line.lhs)
        claim = prev.rhs if prev.lhs == line.lhs else None
        if expected is None and claim is not None:
            expected = self._value_of(claim)
        typed = self._value_of(line.rhs)
        if expected is None or typed is None:
            line.relation = "unreadable"
            line.message = {"code": "no_values", "offset": None, "reason": "the values of y and t are not known"}
            return
        plain = numeric.plain_decimal(line.rhs_text)
        same = numeric.answer_matches(expected, typed, line.rhs_text) if plain else numeric.exact_matches(expected, typed)
        if same:  # the right value, even after a wrong line (the error did not reach it)
            line.relation, line.rules = "ok", ["substitute_values" if symbolic_before else "compute"]
            return
        if self.erred and claim is not None:
            before = self._value_of(claim)
            if before is not None and (numeric.answer_matches(before, typed, line.rhs_text) if plain else numeric.exact_matches(before, typed)):
                line.relation, line.rules = "ok_from_wrong", ["substitute_values" if symbolic_before else "compute"]
                return
        line.relation = "wrong"
        line.counterexample = {"values": _shown(self.ctx.bindings), "lhs": _number(expected), "rhs": _number(typed)}
        line.diagnosis, line.term_expr = self._numeric_slip(prev, expected, typed, line.rhs_text)
        self.erred = True

    def _value_of(self, expr):
        from xentlab.steps.truth import expand

        full = expand(self.ctx, expr)
        sizes = {s: v for s, v in self.ctx.fixed.items()}
        return value(full, sizes, dict(self.ctx.bindings))

    def _numeric_slip(self, prev: LineResult, expected: float, typed: float, text: str):
        from xentlab.steps.catalogue import CATALOGUE, NUMERIC_SLIPS
        from xentlab.steps.diagnose import candidates

        def matches(v):
            return v is not None and numeric.answer_matches(v, typed, text)

        info = {"lhs": prev.lhs, "other_classes": self._other_classes()}
        # the slip happened where the logs still were: the last line (of this quantity) that has one
        source = next((rhs for lhs, rhs in reversed(self.scope.knowns) if lhs == prev.lhs and rhs.has(sp.log)), prev.rhs)
        ranked = []
        for codes, wrong, term in candidates(source, self.scope, info):
            if matches(self._value_of(wrong)):
                ranked.append((len(codes), [[c for c, _ in CATALOGUE].index(c) for c in codes], codes, term))
        for code, slip in NUMERIC_SLIPS:
            if matches(slip(expected)):
                ranked.append((1, [99], (code,), None))
        if not ranked:
            return [], None
        _, _, codes, term = min(ranked, key=lambda r: (r[0], r[1]))
        return list(codes), term


def _over_samples(expr) -> bool:
    from xentlab import notation

    return expr.has(notation.N) or any(notation.n in s.variables for s in expr.atoms(sp.Sum))


def _expanded_claim(ctx: Context, lhs):
    from xentlab.steps.truth import expand

    return expand(ctx, lhs)


def _transition_rules(options) -> list[str]:
    return list(options[0][1]) if options else []


def _shown(bindings: dict) -> dict:
    out = {}
    for s, v in bindings.items():
        name = f"{s.base}_" + ",".join(str(i) for i in s.indices) if isinstance(s, sp.Indexed) else str(s)
        out[name] = _number(v)
    return dict(sorted(out.items()))


__all__ = ["check", "derivation_seed", "replace"]
