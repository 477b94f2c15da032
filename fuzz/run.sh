#!/usr/bin/env bash
# Builds the fuzz target with libFuzzer's coverage instrumentation on the
# stable toolchain (what `cargo fuzz` does, without its nightly-only
# sanitizers) and runs it for SECS seconds (default 600) from the seeds.
# A finding is written to fuzz/artifacts/ and the run exits non-zero.
#   bash fuzz/run.sh [SECS]
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-600}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
target="$(rustc -vV | sed -n 's/^host: //p')"
# --target: the flags then apply to the fuzzed code only, not to build scripts.
cargo build --release --bin load --target "$target"
mkdir -p corpus/load artifacts/load
"$CARGO_TARGET_DIR/$target/release/load" corpus/load seeds/load \
  -max_total_time="$secs" -timeout=60 -rss_limit_mb=4096 -max_len=65536 \
  -artifact_prefix=artifacts/load/ -print_final_stats=1
