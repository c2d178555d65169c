#!/usr/bin/env bash
# `make demo`: write example output to output/ (regenerated each time, so --force).
set -euo pipefail
XL=${1:-.venv/bin/xentlab}
OUT=${2:-output}
mkdir -p "$OUT/derive"
for lang in ja en; do
  for fmt in md tex; do
    "$XL" derive multiclass --classes 3 --lang "$lang" --format "$fmt" -o "$OUT/derive/multiclass-K3.$lang.$fmt" --force
    "$XL" derive multiclass --lang "$lang" --format "$fmt" -o "$OUT/derive/multiclass.$lang.$fmt" --force
  done
  for kind in multiclass-batch binary softmax-gradient token-average sse entropy-kl; do
    "$XL" derive "$kind" --lang "$lang" --format md -o "$OUT/derive/$kind.$lang.md" --force
  done
done
"$XL" derive multiclass --classes 3 --format json -o "$OUT/derive/multiclass-K3.ja.json" --force
echo "demo: wrote $(find "$OUT" -type f ! -name .gitkeep | wc -l) files under $OUT/"
