"""What a practice session prints, as strings (the CLI writes them). Words come from
templates/<lang>/practice.j2, questions and solutions from the problem templates in the text format.
Everything passes through `terminal`, so nothing a student typed can reach the screen as a control
sequence (the feedback may quote an answer back)."""

from __future__ import annotations

from functools import lru_cache

from xentlab import bkt
from xentlab.encode import for_terminal


def _plain(rendered) -> str:
    """A problem template rendered for the text format, without Markdown's bold markers."""
    from xentlab.worksheet import tidy

    return tidy(str(rendered).replace("**", ""), "md").strip()


def terminal(text: str) -> str:
    """Printable lines: each line made safe by encode.for_terminal (long lines are kept whole)."""
    return "\n".join(for_terminal(line, limit=100_000) for line in str(text).split("\n"))


@lru_cache(maxsize=4)
def words(lang: str):
    from xentlab.render import language_module

    return language_module("practice", "text", lang)


@lru_cache(maxsize=4)
def skill_words(lang: str):
    from xentlab.render import language_module

    return language_module("skills", "text", lang)


def _say(lang: str, name: str, *args) -> str:
    return terminal(str(getattr(words(lang), name)(*args)).strip())


def intro(session) -> str:
    lang, K = session.settings.lang, skill_words(session.settings.lang)
    lines = [_say(lang, "intro", list(session.targets), session.settings.max_items, K)]
    if session.unavailable:
        lines.append(_say(lang, "unavailable", list(session.unavailable), K))
    return "\n".join(lines)


def resumed(session) -> str:
    return _say(session.settings.lang, "resumed", len(session.asked))


def question(session, item) -> str:
    from xentlab.problems import problem_type
    from xentlab.render import language_module

    lang = session.settings.lang
    module = problem_type(item.kind)
    extra = module.question_context(item.params) if hasattr(module, "question_context") else {}
    body = language_module(f"problems/{item.kind}", "text", lang).question({**item.params, **extra})
    heading = _say(lang, "heading", item.number, session.settings.max_items, item.target, skill_words(lang))
    return terminal(f"{heading}\n\n{_plain(body)}")


def prompt(lang: str) -> str:
    return str(words(lang).prompt())


def solution(session, item) -> str:
    from xentlab.problems import problem_type
    from xentlab.render import language_module
    from xentlab.worksheet import significant

    lang = session.settings.lang
    module = problem_type(item.kind)
    body = language_module(f"problems/{item.kind}", "text", lang).solution(item.params, module.solution(item.params))
    answer = module.answer(item.params)
    shown = significant(answer.value) if answer.kind == "number" else str(answer.value)
    if answer.kind == "choice":
        shown = f"({'ABCDEFGH'[answer.choices.index(answer.value)]})"
    return terminal(f"{_say(lang, 'solution_heading')}\n\n{_plain(body)}\n\n{_say(lang, 'answer_is', shown)}")


def feedback(session, outcome) -> str:
    from xentlab.render import verdict_feedback

    lang = session.settings.lang
    verdict = outcome.verdict
    label = {"correct": "✓", "incorrect": "✗"}.get(verdict.status, "?")
    lines = [terminal(f"{label} {verdict_feedback(verdict, lang, 'text')}")]
    if not outcome.counted:
        lines.append(_say(lang, "again"))
    return "\n".join(lines)


def progress(session, outcome) -> str:
    changes = [(s, outcome.before[s], outcome.after[s]) for s in session.targets if s in outcome.item.evidence]
    return _say(session.settings.lang, "progress", changes, skill_words(session.settings.lang)) if changes else ""


def summary(session) -> str:
    from xentlab.render import language_module

    lang, K = session.settings.lang, skill_words(session.settings.lang)
    all_mastered = all(session.p[s] >= bkt.MASTERED for s in session.targets)
    lines = [_say(lang, "summary_heading", len(session.asked), all_mastered)]
    lines += [_say(lang, "summary_line", s, session.p[s], bkt.MASTERED, K) for s in session.targets]
    if session.wrong_codes:
        phrases = language_module("feedback", "text", lang)
        lines.append(_say(lang, "mistakes_heading"))
        for code, count in sorted(session.wrong_codes.items(), key=lambda kv: (-kv[1], kv[0])):
            phrase = getattr(phrases, f"phrase_{code}", None)
            lines.append(_say(lang, "mistake_line", str(phrase()) if phrase else str(words(lang).unknown_mistake()), count))
    return "\n".join(lines)


def saved(lang: str, path) -> str:
    return _say(lang, "saved", for_terminal(str(path)))


def interrupted(lang: str) -> str:
    return _say(lang, "interrupted")


def no_item(lang: str) -> str:
    return _say(lang, "no_item")
