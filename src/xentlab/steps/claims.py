"""A justification line, read as the rule it claims: 「対数の公式①「log ab = log a + log b」より」,
"by the power rule", "log of a product". Prose stays prose: this reads words and quoted
formulas by fixed patterns and never hands the text to the expression parser."""

from __future__ import annotations

import re
import unicodedata

# (rule id, patterns on the text with spaces, backslashes and braces removed, NFKC, lower case)
CLAIMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("log_power", (r"loga\^b=bloga", r"公式2", r"②", r"rule2\b", r"powerrule", r"exponent", r"指数", r"べき", r"累乗")),
    ("log_product_to_sum", (r"logab=loga\+logb", r"log\(ab\)=", r"公式1", r"①", r"rule1\b", r"productrule", r"logofaproduct",
                            r"productofsum|producttosum|productintoasum", r"積の対数", r"積を和")),
    ("log_quotient", (r"loga/b=loga-logb", r"公式3", r"③", r"rule3\b", r"quotient", r"商の対数")),
    ("log_exp", (r"loge\^x=x", r"log\(e\^", r"logexp", r"逆関数", r"expandlogcancel|logandexpcancel|undoes")),
    ("take_log", (r"対数をと", r"両辺の(自然)?対数", r"takethe(natural)?log", r"takelogs", r"logofbothsides")),
    ("negate", (r"マイナス", r"符号", r"負の対数", r"negat", r"minus", r"e=-logl")),
    ("expand_sum", (r"書き出", r"展開", r"writeout|writtenout|writingout|expandthesum")),
    ("fold_sum", (r"σでまとめ|σにまとめ|総和の記号|総和記号", r"sigmanotation|summationnotation|asasum|fold")),
    ("generalise", (r"kに置き換", r"一般化", r"generali")),
    ("one_hot", (r"ワンホット", r"onehot|one-hot")),
    ("sum_to_one", (r"和は1", r"sumstoone|sumto1|sumtoone|sumsto1", r"σt=1|σ_kt_k=1")),
    ("mean", (r"平均", r"mean|average", r"nで割")),
    ("distribute", (r"分配", r"distribut", r"multiplyout", r"かっこを(展開|外)")),
    ("differentiate", (r"微分", r"differentiat", r"derivative", r"chainrule")),
    ("substitute", (r"代入", r"substitut", r"plugin|pluggingin")),
    ("log_sum_to_product", (r"和の対数|logsum|sumoflogs",)),
)


def _compact(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\\", "").replace("{", "").replace("}", "").replace("−", "-").replace("Σ".lower(), "σ")
    text = text.replace("cdot", "").replace("left", "").replace("right", "").replace("mathrm", "")
    return re.sub(r"\s+", "", text)


def claimed_rules(text: str) -> list[str]:
    """The rule ids a justification names, in the order it names them (may be empty)."""
    if not text:
        return []
    compact = _compact(text)
    raw = unicodedata.normalize("NFC", text)
    found: list[tuple[int, str]] = []
    for rule, patterns in CLAIMS:
        for pattern in patterns:
            m = re.search(pattern, compact) or (re.search(pattern, raw) if not pattern.isascii() else None)
            if m:
                found.append((m.start(), rule))
                break
    return [rule for _, rule in sorted(found)]
