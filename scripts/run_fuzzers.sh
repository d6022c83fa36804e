#!/usr/bin/env bash
# Runs every fuzz_* harness in a build folder for a few seconds each, starting from its seed corpus.
set -euo pipefail
build_dir="$1"
seconds="${2:-30}"
found=0
for harness in "$build_dir"/tests/fuzz/fuzz_*; do
  [ -x "$harness" ] || continue
  found=1
  name="$(basename "$harness")"
  short="${name#fuzz_}"
  seeds="tests/fuzz/corpus/$short"
  [ -d "$seeds" ] || seeds="tests/fuzz/corpus/${short%%_*}"
  work="$(mktemp -d)"
  [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null || true
  echo "fuzzing $name for ${seconds}s"
  "$harness" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 "$work" 2>&1 | tail -n 3
  rm -rf "$work"
done
[ "$found" -eq 1 ] || echo "no fuzz harnesses built"
