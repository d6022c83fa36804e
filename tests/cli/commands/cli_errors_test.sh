#!/usr/bin/env bash
# Bad input gives one line on stderr and exit code 1, never a crash.
set -uo pipefail
tessera="$1"
root="${2:-.}"
scratch="$(mktemp -d)"; trap 'rm -rf "$scratch"' EXIT
expect_failure() {
  local description="$1"; shift
  "$@" > "$scratch/out" 2> "$scratch/err"
  local code=$?
  if [ "$code" -ne 1 ]; then echo "$description: exit code $code, expected 1"; cat "$scratch/err"; exit 1; fi
  if [ "$(wc -l < "$scratch/err")" -lt 1 ]; then echo "$description: no message"; exit 1; fi
}
printf 'GGUF\x03\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff' > "$scratch/huge.gguf"
head -c 100 /dev/urandom > "$scratch/random.gguf"
expect_failure "missing file" "$tessera" info "$scratch/none.gguf"
expect_failure "huge counts" "$tessera" info "$scratch/huge.gguf"
expect_failure "random bytes" "$tessera" info "$scratch/random.gguf"
expect_failure "run on a bad file" "$tessera" run -m "$scratch/huge.gguf" -p hi
expect_failure "unknown option" "$tessera" run --no-such-option
expect_failure "bench on a bad file" "$tessera" bench -m "$scratch/random.gguf"
expect_failure "perplexity of a missing file" "$tessera" perplexity -f "$scratch/none.txt"
expect_failure "perplexity of an empty text" "$tessera" perplexity --text ""
expect_failure "perplexity with no text" "$tessera" perplexity
expect_failure "perplexity with context 1" "$tessera" perplexity --text "hello there" --context 1
expect_failure "perplexity with a file and a text" "$tessera" perplexity -f "$scratch/random.gguf" --text hi
expect_failure "perplexity on a bad file" "$tessera" perplexity -m "$scratch/huge.gguf" --text "hello there"
expect_failure "perplexity of a folder" "$tessera" perplexity -f "$scratch"
expect_failure "perplexity of a device" "$tessera" perplexity -f /dev/zero
expect_failure "tokenize of a device" "$tessera" tokenize --file /dev/zero
expect_failure "tokenize of a folder" "$tessera" tokenize --file "$scratch"
# A context past the model's trained one would only grow the KV cache: refused before allocating it.
model="$root/models/SmolLM2-135M-Instruct.Q4_1.gguf"
if [ -f "$model" ]; then
  expect_failure "run past the trained context" "$tessera" run -m "$model" -p hi -n 1 --ctx-size 1000000
  grep -q "exceeds the model" "$scratch/err" || { echo "context error: unexpected message"; cat "$scratch/err"; exit 1; }
fi
echo "cli errors: ok"
