"""token-loss: a language model's mean loss over a sentence, or its perplexity (seed 002).

The model gave the correct next token probability p_i at each of T positions.
Difficulty 1: T = 3, the mean loss; 2: T = 4, the mean loss or the perplexity; 3: T = 5,
the perplexity. Each p_i is a distinct 2-decimal number in [0.05, 0.99].
"""

from __future__ import annotations

import math
import sys

import numpy as np

from xentlab.problems import _common

KIND = "token-loss"
WORK_SPACE = 5  # lines of answer space in the LaTeX worksheet
TOKENS = {1: 3, 2: 4, 3: 5}
LOG_CODES = {"log_base_10", "log_base_2", "sign_dropped", "sum_not_mean", "mixed_base"}
MAX_EXP = math.log(sys.float_info.max)  # a wrong loss whose exp would overflow gives no mistake


def sample(rng: np.random.Generator, difficulty: int) -> dict:
    p = [v / 100 for v in _common.distinct_values(rng, TOKENS[difficulty], 5, 99)]
    ask = {1: "loss", 2: str(rng.choice(["loss", "perplexity"])), 3: "perplexity"}[difficulty]
    return {"p": p, "ask": ask}


def check_params(params: dict) -> None:
    _common.fields(params, "p", "ask")
    _common.values(params["p"], "p", _common.PROBABILITY, "probabilities", (1, _common.MAX_SAMPLES))
    _common.one_of(params["ask"], "ask", ("loss", "perplexity"))


def inputs(params: dict):
    from xentlab.solve import Inputs

    return Inputs(p=np.array(params["p"], dtype=float))


def answer(params: dict):
    from xentlab import kernels

    result = kernels.token_loss(np.array(params["p"], dtype=float))
    if params["ask"] == "perplexity":
        return _common.number(result.perplexity)
    return _common.number(result.loss, _common.NATS)


def mistakes(params: dict):
    """For the loss, the catalogue and the perplexity given instead. For the perplexity, exp of
    each wrong loss that comes from the log itself (wrong base, one token in another base, dropped
    sign, sum for mean), and the loss given instead (with its own slips)."""
    from xentlab.mistakes import catalogue, distinct

    found = catalogue("token-loss", inputs(params))
    loss = float(_token_loss(params).loss)
    if params["ask"] == "loss":
        extra = [(("perplexity_not_loss",), math.exp(loss)), (("perplexity_not_loss", "percent_scale"), 100 * math.exp(loss))]
        return distinct([(m.codes, m.value) for m in found] + extra, loss)
    truth = answer(params).value
    from_log = [(m.codes, math.exp(m.value)) for m in found if set(m.codes) <= LOG_CODES and m.value < MAX_EXP]
    as_loss = [(("loss_not_perplexity",) + m.codes, m.value) for m in found if set(m.codes) <= LOG_CODES and len(m.codes) < 3]
    return distinct(from_log + [(("loss_not_perplexity",), loss)] + as_loss, truth)


def _token_loss(params: dict):
    from xentlab import kernels

    return kernels.token_loss(np.array(params["p"], dtype=float))


def solution(params: dict) -> dict:
    from xentlab.derivations import derive
    from xentlab.solve import solve

    s = solve("token-loss", inputs(params))
    value = s.perplexity if params["ask"] == "perplexity" else s.value
    return {"s": s, "value": value, "derivations": [derive("token-average")]}
