"""The rule a student cites before a step («公式②より», "by the product rule") against the rules that
give the step: the line's cited_rule, cited_rule_mismatch where they disagree, and, where the cited
rule gives the step as briefly as the rules found, the step named by it. Reading the words is
claims.py; this module only compares (split from engine.py, behaviour unchanged)."""

from __future__ import annotations

from xentlab.steps.claims import claimed_rules
from xentlab.steps.model import LineResult
from xentlab.steps.search import search
from xentlab.steps.transitions import claims_for


def cite(line: LineResult, previous: LineResult | None, ctx, scope) -> None:
    claimed = claimed_rules(line.claim)
    if not claimed or line.relation in ("unreadable", "given"):
        return
    line.cited_rule = claimed[0]
    if line.relation == "wrong":
        return
    _prefer_cited(line, claimed, previous, ctx, scope)
    if all(rule in line.rules or _covers(rule, line.rules) for rule in claimed):
        return
    agrees = False
    if previous is not None and line.relation != "unreadable":
        for claim, transition in claims_for(previous.lhs, previous.rhs, line.lhs, ctx):
            if claimed[0] in transition or search(claim, line.rhs, scope, first=claimed[0]) is not None:
                agrees = True
                break
    if not agrees:
        line.diagnosis = [*line.diagnosis, "cited_rule_mismatch"]


def _prefer_cited(line: LineResult, claimed: list[str], previous: LineResult | None, ctx, scope) -> None:
    """Where a rule the student cites also gives the step in as few rules, name the step by it:
    log(e^z) = z is log_exp or log_power (log e = 1), log(a/b) is log_quotient or a product with
    a power −1, and the feedback should not list rules ① ② to a student who cited ③."""
    missing = [rule for rule in claimed if rule not in line.rules]
    if line.relation != "ok" or not missing or not line.rules or previous is None:
        return
    for claim, transition in claims_for(previous.lhs, previous.rhs, line.lhs, ctx):
        for rule in missing:
            path = None if rule in transition else search(claim, line.rhs, scope, first=rule)
            if path is not None and len(transition) + len(path) <= len(line.rules):
                line.rules = transition + path
                return


def _covers(cited: str, rules: list[str]) -> bool:
    """"By substitution" names substituting values or the softmax output too."""
    return cited == "substitute" and any(r.startswith("substitute") for r in rules)
