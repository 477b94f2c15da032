#!/usr/bin/env bash
# Benchmarks vlr against the stock typst CLI 0.15.1 on the bundled project.
# usage: [VLR=path/to/vlr] bench/run.sh [RUNS]     (from anywhere; needs root for apt-get once)
# Installs hyperfine (Debian) and typst-cli 0.15.1 (cargo, into bench/typst-cli)
# on first use, then measures (a)–(e) of issue 7 and writes bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-10}
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
[ -x bench/typst-cli/bin/typst ] || cargo install --locked --root bench/typst-cli typst-cli@0.15.1
# VLR=path/to/vlr uses an existing release binary instead of building one.
if [ -z "${VLR:-}" ]; then
  cargo build --release --locked -q
  VLR=$PWD/target/release/vlr
fi
TYPST=$PWD/bench/typst-cli/bin/typst
OUT=bench/results
rm -rf "$OUT" && mkdir -p "$OUT"

# The exact sources vlr compiles, for the typst CLI.
"$VLR" build -q --emit-typst "$OUT/emit" -o "$OUT/vlr"
LANGS=$(ls "$OUT/emit" | tr "\n" " ")
EPOCH=$(python3 -c "import datetime; print(int(datetime.datetime(2021,7,1,tzinfo=datetime.timezone.utc).timestamp()))")
typst_one() {  # typst_one LANG
  "$TYPST" compile --root "$OUT/emit/$1" --font-path fonts --ignore-system-fonts --features a11y-extras \
    --pdf-standard a-2b,ua-1 --creation-timestamp "$EPOCH" \
    "$OUT/emit/$1/templates/main.typ" "$OUT/typst.$1.pdf"
}
export -f typst_one; export TYPST OUT EPOCH

# Same documents: page count and text per language.
for l in $LANGS; do
  typst_one "$l"
  a=$(pdfinfo "$OUT/vlr/"*".$l.pdf" | awk '/^Pages:/{print $2}'); b=$(pdfinfo "$OUT/typst.$l.pdf" | awk '/^Pages:/{print $2}')
  [ "$a" = "$b" ] || { echo "page counts differ for $l: vlr $a, typst $b"; exit 1; }
  cmp -s <(pdftotext "$OUT/vlr/"*".$l.pdf" - ) <(pdftotext "$OUT/typst.$l.pdf" -) \
    && echo "same document ($l): $a pages, same text" || { echo "text differs for $l"; exit 1; }
done

ALL="for l in $LANGS; do typst_one \$l; done"
hyperfine -N --warmup 2 --runs "$RUNS" --export-markdown "$OUT/all.md" \
  -n "vlr build (all editions)" "$VLR build -q -o $OUT/h" \
  -n "typst compile x $(echo $LANGS | wc -w) (every emitted edition)" "bash -c '$ALL'"
hyperfine -N --warmup 2 --runs "$RUNS" --export-markdown "$OUT/one.md" \
  -n "vlr build --lang en" "$VLR build -q --lang en -o $OUT/h" \
  -n "typst compile (en)" "bash -c 'typst_one en'"
python3 bench/measure.py "$VLR" "$OUT"
echo "results in $OUT/"
