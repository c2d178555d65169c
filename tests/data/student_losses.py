"""Loss functions written the way students write them, each with the diagnosis xentlab.probe must give.

WRONG: (function, probe keyword arguments, the expected set of diagnosis codes).
RIGHT: (function, probe keyword arguments): every one must pass.
Seed 001's and seed 002's functions are copied verbatim (the articles' code and comments).
The expected codes are what the code does, read by a person: e.g. seed 001's function sums over
the batch (it has no division by N) and takes log(0) at a class whose target is 0 (0 · −inf = nan).
"""

import math

import numpy as np
from scipy.special import log_softmax, logsumexp, xlogy


# --- seed 001 (verbatim) -------------------------------------------------------------------------

#2乗和誤差(sum of squared error)の実装
def sum_squared_error(y, t):
    return np.sum((y - t) ** 2)


def cross_entropy_error(y, t):
    return -np.sum(t * np.log(y))


# --- seed 002 (verbatim) -------------------------------------------------------------------------

def cross_entropy_loss(y_true, y_pred):
    """
    クロスエントロピー損失を計算する関数。
    
    Args:
        y_true (np.array): 正解ラベル (ワンホットエンコーディング).
        y_pred (np.array): モデルの予測確率 (Softmax後の出力).
        
    Returns:
        float: 計算された損失値.
    """
    # ログ内の値が0になるのを避けるため、極めて小さな値(epsilon)を加算
    epsilon = 1e-12
    y_pred = np.clip(y_pred, epsilon, 1. - epsilon)
    
    # 損失の計算: L = - Σ (y_true * log(y_pred))
    # y_trueはワンホットなので、正解カテゴリの項だけが残り、それ以外はゼロになる
    loss = -np.sum(y_true * np.log(y_pred))
    
    return loss


# --- cross-entropy, one-hot targets: wrong -------------------------------------------------------

def ce_textbook(y, t):  # the "Deep Learning from scratch" form: log(y + 1e-7)
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    batch_size = y.shape[0]
    return -np.sum(t * np.log(y + 1e-7)) / batch_size


def ce_log10(y, t):
    y = np.clip(y, 1e-12, 1.0)
    return -np.mean(np.sum(t * np.log10(y), axis=-1))


def ce_log2(y, t):
    y = np.clip(y, 1e-12, 1.0)
    return -np.mean(np.sum(t * np.log2(y), axis=-1))


def ce_no_minus(y, t):
    y = np.clip(y, 1e-12, 1.0)
    return np.mean(np.sum(t * np.log(y), axis=-1))


def ce_log10_no_minus(y, t):
    y = np.clip(y, 1e-12, 1.0)
    return np.mean(np.sum(t * np.log10(y), axis=-1))


def ce_mean_everything(y, t):
    y = np.clip(y, 1e-12, 1.0)
    return -np.mean(t * np.log(y))


def ce_axis0(y, t):
    y = np.atleast_2d(np.clip(y, 1e-12, 1.0))
    t = np.atleast_2d(t)
    return -np.mean(np.sum(t * np.log(y), axis=0))


def ce_per_sample(y, t):
    y = np.clip(y, 1e-12, 1.0)
    return -np.sum(t * np.log(y), axis=-1)


def ce_predicted_class(y, t):
    y = np.atleast_2d(y)
    return -np.mean(np.log(np.max(y, axis=1)))


def ce_swapped(y, t):
    return -np.mean(np.sum(y * np.log(t), axis=-1))


def ce_divide_by_shape0(y, t):
    y = np.clip(y, 1e-12, 1.0)
    return -np.sum(t * np.log(y)) / y.shape[0]


def ce_gather_labels(y, t):  # written for integer labels, handed one-hot targets
    return -np.mean(np.log(y[np.arange(y.shape[0]), t]))


def ce_no_eps(y, t):
    return -np.mean(np.sum(t * np.log(y), axis=-1))


def ce_eps_001(y, t):
    y = np.clip(y, 0.01, 0.99)
    return -np.mean(np.sum(t * np.log(y), axis=-1))


def ce_clip_01(y, t):
    y = np.clip(y, 0.1, 0.9)
    return -np.mean(np.sum(t * np.log(y), axis=-1))


def ce_loop_math_log(y, t):
    loss = 0.0
    for k in range(len(y)):
        loss += t[k] * math.log(y[k])
    return -loss


def ce_typo(y, t):
    return -np.sum(t * np.lg(y))


def ce_forgot_return(y, t):
    loss = -np.sum(t * np.log(np.clip(y, 1e-12, 1.0)), axis=-1).mean()


def ce_runs_forever(y, t):
    loss = 0.0
    while True:
        loss += 1.0


def ce_log10_sum_no_eps(y, t):
    return -np.sum(t * np.log10(y))


def ce_plus_eps_mean(y, t):
    return -np.mean(np.sum(t * np.log(y + 1e-8), axis=-1))


# --- cross-entropy, integer labels: wrong --------------------------------------------------------

def labels_one_hot_formula(y, t):  # seed 001's formula, handed labels
    return -np.sum(t * np.log(y))


def labels_off_by_one(y, labels):
    y = np.atleast_2d(y)
    labels = np.atleast_1d(labels)
    return -np.mean(np.log(y[np.arange(len(y)), labels - 1]))


def labels_sum(y, labels):
    y = np.atleast_2d(y)
    labels = np.atleast_1d(labels)
    return -np.sum(np.log(y[np.arange(len(y)), labels]))


def labels_log10(y, labels):
    y = np.atleast_2d(y)
    labels = np.atleast_1d(labels)
    return -np.mean(np.log10(y[np.arange(len(y)), labels]))


def labels_batch_only(y, labels):
    return -np.mean(np.log(np.clip(y[np.arange(y.shape[0]), labels], 1e-12, 1.0)))


# --- binary: wrong -------------------------------------------------------------------------------

def bce_no_complement(y, t):
    y = np.clip(y, 1e-12, 1 - 1e-12)
    return -np.mean(t * np.log(y))


def bce_no_eps(y, t):
    return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))


def bce_sum(y, t):
    y = np.clip(y, 1e-12, 1 - 1e-12)
    return -np.sum(t * np.log(y) + (1 - t) * np.log(1 - y))


def bce_no_minus(y, t):
    y = np.clip(y, 1e-12, 1 - 1e-12)
    return np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))


def bce_plus_eps(y, t):
    eps = 1e-7
    return -np.mean(t * np.log(y + eps) + (1 - t) * np.log(1 - y + eps))


def bce_log10(y, t):
    y = np.clip(y, 1e-12, 1 - 1e-12)
    return -np.mean(t * np.log10(y) + (1 - t) * np.log10(1 - y))


def bce_eps_big(y, t):
    y = np.clip(y, 1e-3, 1 - 1e-3)
    return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))


# --- softmax + cross-entropy: wrong --------------------------------------------------------------

def softmax_unstable(z, t):
    e = np.exp(z)
    p = e / np.sum(e, axis=-1, keepdims=True)
    return -np.mean(np.sum(t * np.log(p), axis=-1))


def softmax_axis0(z, t):
    z = np.atleast_2d(z)
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    p = e / np.sum(e, axis=0, keepdims=True)
    return -np.mean(np.sum(np.atleast_2d(t) * np.log(p), axis=1))


def softmax_global_max(z, t):
    e = np.exp(z - np.max(z))
    p = e / np.sum(e, axis=-1, keepdims=True)
    return -np.mean(np.sum(t * np.log(p), axis=-1))


def softmax_forgotten(z, t):
    return -np.mean(np.sum(t * np.log(z), axis=-1))


def softmax_sum(z, t):
    z = np.atleast_2d(z)
    return -np.sum(np.atleast_2d(t) * log_softmax(z, axis=1))


def grad_flipped(z, t):
    z = np.atleast_2d(z)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    g = (np.atleast_2d(t) - p) / z.shape[0]
    return g.reshape(np.shape(t))


def grad_not_averaged(z, t):
    p = np.exp(z - np.max(z, axis=-1, keepdims=True))
    p = p / np.sum(p, axis=-1, keepdims=True)
    return p - t


def grad_unstable(z, t):
    z = np.atleast_2d(z)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return ((p - np.atleast_2d(t)) / z.shape[0]).reshape(np.shape(t))


# --- sse, token loss, perplexity: wrong ----------------------------------------------------------

def sse_half(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def sse_mse(y, t):
    return np.mean((y - t) ** 2)


def sse_half_forgotten(y, t):  # asked for ½ Σ (y − t)²
    return np.sum((y - t) ** 2)


def tokens_sum(p):
    return -np.sum(np.log(p))


def tokens_log10(p):
    return -np.mean(np.log10(p))


def perplexity_no_exp(p):
    return -np.mean(np.log(p))


def perplexity_of_sum(p):
    return np.exp(-np.sum(np.log(p)))


def perplexity_no_minus(p):
    return np.exp(np.mean(np.log(p)))


# --- right: each must pass -----------------------------------------------------------------------

def ce_clip_mean(y, t):
    y = np.clip(y, 1e-12, 1.0 - 1e-12)
    return -np.sum(t * np.log(y), axis=-1).mean()


def ce_xlogy(y, t):
    return -np.mean(np.sum(xlogy(t, y), axis=-1))


def ce_loops(y, t):
    rows_y, rows_t = np.atleast_2d(y), np.atleast_2d(t)
    total = 0.0
    for row_y, row_t in zip(rows_y, rows_t):
        for y_k, t_k in zip(row_y, row_t):
            if t_k > 0:
                total -= t_k * math.log(y_k)
    return total / len(rows_y)


def ce_take_along_axis_one_hot(y_true, y_pred):
    y_pred = np.atleast_2d(y_pred)
    classes = np.argmax(np.atleast_2d(y_true), axis=1)
    picked = np.take_along_axis(y_pred, classes[:, None], axis=1)
    return float(-np.mean(np.log(np.clip(picked, 1e-15, 1.0))))


def ce_where(y, t):
    safe = np.where(t > 0, y, 1.0)
    return -np.sum(t * np.log(safe)) / (y.shape[0] if y.ndim == 2 else 1)


def seed002_fixed(y_true, y_pred):
    epsilon = 1e-12
    y_pred = np.clip(y_pred, epsilon, 1. - epsilon)
    n = y_pred.shape[0] if y_pred.ndim == 2 else 1
    return -np.sum(y_true * np.log(y_pred)) / n


def labels_take_along_axis(y, labels):
    y = np.atleast_2d(y)
    labels = np.atleast_1d(labels)
    p = np.take_along_axis(y, labels[:, None], axis=1)
    return -np.mean(np.log(np.clip(p, 1e-12, 1.0)))


def labels_fancy_index(y, labels):
    y = np.atleast_2d(y)
    labels = np.atleast_1d(labels)
    return -np.log(y[np.arange(len(y)), labels]).mean()


def labels_loop(y, labels):
    rows = np.atleast_2d(y)
    labels = np.atleast_1d(labels)
    return sum(-math.log(max(row[c], 1e-15)) for row, c in zip(rows, labels)) / len(rows)


def bce_clip(y, t):
    y = np.clip(y, 1e-12, 1 - 1e-12)
    return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))


def bce_xlogy(y, t):
    return -np.mean(xlogy(t, y) + xlogy(1 - t, 1 - y))


def bce_loop(y, t):
    total = 0.0
    for y_n, t_n in zip(y, t):
        total -= math.log(y_n) if t_n == 1 else math.log(1 - y_n)
    return total / len(y)


def softmax_logsumexp(z, t):
    log_p = z - logsumexp(z, axis=-1, keepdims=True)
    return -np.mean(np.sum(t * log_p, axis=-1))


def softmax_scipy(z, labels):
    log_p = np.atleast_2d(log_softmax(z, axis=-1))
    return -np.mean(np.take_along_axis(log_p, np.atleast_1d(labels)[:, None], axis=1))


def softmax_stable_then_clip(z, t):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    p = e / np.sum(e, axis=-1, keepdims=True)
    return -np.mean(np.sum(t * np.log(np.clip(p, 1e-12, 1.0)), axis=-1))


def grad_right(z, t):
    p = np.exp(z - np.max(z, axis=-1, keepdims=True))
    p = p / np.sum(p, axis=-1, keepdims=True)
    n = z.shape[0] if z.ndim == 2 else 1
    return (p - t) / n


def sse_half_right(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def tokens_right(p):
    return -np.mean(np.log(np.clip(p, 1e-12, 1.0)))


def perplexity_right(p):
    return float(np.exp(-np.mean(np.log(p))))


LABELS = {"targets": "labels"}
BINARY = {"kind": "binary-cross-entropy"}
SOFTMAX = {"kind": "softmax-cross-entropy"}
GRADIENT = {"kind": "softmax-cross-entropy", "output": "gradient"}
SSE = {"kind": "sse"}
TOKENS = {"kind": "token-loss"}
PERPLEXITY = {"kind": "token-loss", "output": "perplexity"}

WRONG = [
    (cross_entropy_error, {}, {"sum_not_mean", "no_epsilon"}),  # seed 001
    (cross_entropy_loss, {}, {"sum_not_mean"}),  # seed 002
    (ce_textbook, {}, {"eps_added_in_log"}),
    (ce_log10, {}, {"log_base_10"}),
    (ce_log2, {}, {"log_base_2"}),
    (ce_no_minus, {}, {"sign_dropped"}),
    (ce_log10_no_minus, {}, {"log_base_10", "sign_dropped"}),
    (ce_mean_everything, {}, {"mean_over_all_elements"}),
    (ce_axis0, {}, {"wrong_axis"}),
    (ce_per_sample, {}, {"not_reduced"}),
    (ce_predicted_class, {}, {"wrong_class"}),
    (ce_swapped, {}, {"swapped_t_y"}),
    (ce_divide_by_shape0, {}, {"one_sample_divided_by_k"}),
    (ce_gather_labels, {}, {"one_hot_treated_as_labels", "one_sample_not_supported"}),
    (ce_no_eps, {}, {"no_epsilon"}),
    (ce_eps_001, {}, {"epsilon_too_large"}),
    (ce_clip_01, {}, {"epsilon_too_large"}),
    (ce_loop_math_log, {}, {"batch_not_supported", "no_epsilon"}),
    (ce_typo, {}, {"raised_exception"}),
    (ce_forgot_return, {}, {"no_return_value"}),
    (ce_runs_forever, {"time_limit": 0.2}, {"timed_out"}),
    (ce_log10_sum_no_eps, {}, {"log_base_10", "sum_not_mean", "no_epsilon"}),
    (ce_plus_eps_mean, {}, {"eps_added_in_log"}),
    (labels_one_hot_formula, LABELS, {"labels_treated_as_one_hot", "sum_not_mean", "no_epsilon"}),
    (labels_off_by_one, LABELS, {"wrong_class"}),
    (labels_sum, LABELS, {"sum_not_mean"}),
    (labels_log10, LABELS, {"log_base_10"}),
    (labels_batch_only, LABELS, {"one_sample_not_supported"}),
    (bce_no_complement, BINARY, {"missing_complement"}),
    (bce_no_eps, BINARY, {"no_epsilon"}),
    (bce_sum, BINARY, {"sum_not_mean"}),
    (bce_no_minus, BINARY, {"sign_dropped"}),
    (bce_plus_eps, BINARY, {"eps_added_in_log"}),
    (bce_log10, BINARY, {"log_base_10"}),
    (bce_eps_big, BINARY, {"epsilon_too_large"}),
    (softmax_unstable, SOFTMAX, {"softmax_not_stabilised"}),
    (softmax_axis0, SOFTMAX, {"wrong_axis"}),
    (softmax_global_max, SOFTMAX, {"softmax_not_stabilised"}),
    (softmax_forgotten, SOFTMAX, {"softmax_missing"}),
    (softmax_sum, SOFTMAX, {"sum_not_mean"}),
    (grad_flipped, GRADIENT, {"gradient_sign"}),
    (grad_not_averaged, GRADIENT, {"sum_not_mean"}),
    (grad_unstable, GRADIENT, {"softmax_not_stabilised"}),
    (sse_half, SSE, {"half_extra"}),
    (sse_mse, SSE, {"mean_over_all_elements"}),
    (sse_half_forgotten, {"kind": "sse", "half": True}, {"half_missing"}),
    (tokens_sum, TOKENS, {"sum_not_mean"}),
    (tokens_log10, TOKENS, {"log_base_10"}),
    (perplexity_no_exp, PERPLEXITY, {"loss_not_perplexity"}),
    (perplexity_of_sum, PERPLEXITY, {"sum_not_mean"}),
    (perplexity_no_minus, PERPLEXITY, {"sign_dropped"}),
]

RIGHT = [
    (sum_squared_error, SSE),  # seed 001's sse is right
    (ce_clip_mean, {}),
    (ce_xlogy, {}),
    (ce_loops, {}),
    (ce_take_along_axis_one_hot, {}),
    (ce_where, {}),
    (seed002_fixed, {}),
    (labels_take_along_axis, LABELS),
    (labels_fancy_index, LABELS),
    (labels_loop, LABELS),
    (bce_clip, BINARY),
    (bce_xlogy, BINARY),
    (bce_loop, BINARY),
    (softmax_logsumexp, SOFTMAX),
    (softmax_scipy, {**SOFTMAX, **LABELS}),
    (softmax_stable_then_clip, SOFTMAX),
    (grad_right, GRADIENT),
    (sse_half_right, {"kind": "sse", "half": True}),
    (tokens_right, TOKENS),
    (perplexity_right, PERPLEXITY),
]
