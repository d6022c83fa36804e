#!/usr/bin/env bash
# tessera run --json prints one object whose tokens decode back to its text; tokenize agrees with run.
set -euo pipefail
tessera="$1"; root="$2"
model="$root/models/SmolLM2-135M-Instruct.Q4_1.gguf"
[ -f "$model" ] || { echo "SKIP: $model absent (make model)"; exit 77; }
output="$("$tessera" run -m "$model" -p "The capital of France is" -n 16 --temp 0 --json)"
python3 - "$output" <<'PYTHON'
import json, sys
report = json.loads(sys.argv[1])
assert report["prompt_tokens"] == [504, 3575, 282, 4649, 314], report["prompt_tokens"]
assert len(report["tokens"]) == 16, report["tokens"]
assert report["text"].strip(), "empty text"
assert report["timings"]["generation_tokens_per_second"] > 0
PYTHON
ids="$("$tessera" tokenize -m "$model" --text "The capital of France is")"
[ "$ids" = "[504,3575,282,4649,314]" ] || { echo "tokenize gave $ids"; exit 1; }
special="$("$tessera" tokenize -m "$model" --text "<|im_start|>" --parse-special)"
plain="$("$tessera" tokenize -m "$model" --text "<|im_start|>")"
[ "$special" = "[1]" ] || { echo "special: $special"; exit 1; }
[ "$plain" != "[1]" ] || { echo "plain text became the special token"; exit 1; }
"$tessera" info "$model" | grep -q "parameters: 134515008" || { echo "info parameter count"; exit 1; }
"$tessera" info --ops | grep -q "matmul" || { echo "info --ops lists no matmul"; exit 1; }
# bench --profile: the kernels of one pp and one tg run, each called as often as the forward pass calls it.
profile="$("$tessera" bench -m "$model" -p 8 -n 4 -r 1 -t 1 --no-bandwidth --profile --json)"
python3 - "$profile" <<'PYTHON'
import json, sys
report = json.loads(sys.argv[1])
for phase, steps in (("pp_kernels", 1), ("tg_kernels", 5)):
    kernels = {kernel["kernel"]: kernel for kernel in report[phase]}
    assert kernels, phase
    attention = [kernel for name, kernel in kernels.items() if name.startswith("attention")]
    assert len(attention) == 1 and attention[0]["calls"] == 30 * steps, (phase, attention)  # 30 layers
    matmuls = sum(kernel["calls"] for name, kernel in kernels.items() if name.startswith("matmul"))
    # 4 per layer (query, key and value stacked in one, gate and up in one, output, down) and the head
    assert matmuls == (4 * 30 + 1) * steps, (phase, matmuls)
    assert all(kernel["seconds"] > 0 for kernel in kernels.values()), phase
PYTHON
# bench with the bandwidth probe: one probe after each tg run, decode judged against the one beside it.
bandwidth="$("$tessera" bench -m "$model" -p 0 -n 4 -r 2 -t 1 --json)"
python3 - "$bandwidth" <<'PYTHON'
import json, sys
report = json.loads(sys.argv[1])
probes = report["read_bandwidth_spread"]["samples"]
fractions = report["tg_bandwidth_fraction_spread"]["samples"]
assert len(probes) == 2 and all(probe > 0 for probe in probes), probes
tg = report["tg_spread"]["samples"]
expected = sorted(rate * report["weight_bytes"] / 1e9 / probe for rate, probe in zip(tg, probes))
assert len(fractions) == 2 and all(abs(a - b) <= 1e-9 * b for a, b in zip(sorted(fractions), expected)), (fractions, expected)
assert abs(report["tg_bandwidth_fraction"] - sum(expected) / 2) <= 1e-9 * sum(expected), report["tg_bandwidth_fraction"]
PYTHON
for command in run chat info bench perplexity tokenize template conformance; do
  "$tessera" "$command" --help > /dev/null
done
echo "cli run: ok"
