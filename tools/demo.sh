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
mkdir -p "$OUT/solve"
"$XL" solve cross-entropy --y 0.33,0.32,0.35 --t 1,0,0 -o "$OUT/solve/dog-fox-wolf.ja.md" --force
"$XL" solve cross-entropy --y 0.33,0.32,0.35 --t 1,0,0 --lang en -o "$OUT/solve/dog-fox-wolf.en.md" --force
"$XL" solve token-loss --p 0.70,0.95,0.80 --lang en -o "$OUT/solve/tokens.en.md" --force
"$XL" solve softmax-cross-entropy --logits 2,1,0.1 --labels 0 --lang en --format tex -o "$OUT/solve/softmax.en.tex" --force
"$XL" grade --key tests/data/class-key.json --responses tests/data/class.csv --lang ja -o "$OUT/graded.csv" --report "$OUT/report.ja.md" --force
# A worksheet with its answer key and key.json: Japanese Markdown, and English LaTeX (compile with lualatex, or add --pdf).
"$XL" worksheet --count 12 --seed 7 --lang ja --format md -o "$OUT/ws-demo-ja" --force
"$XL" worksheet --count 12 --seed 7 --lang en --format tex -o "$OUT/ws-demo-en" --force
# A Moodle XML quiz (Question bank → Import → "Moodle XML format"): the same 12 items, Japanese.
"$XL" moodle --count 12 --seed 7 --lang ja -o "$OUT/quiz.ja.xml" --force
echo "demo: $(find "$OUT" -type f ! -name .gitkeep | wc -l) files under $OUT/"
