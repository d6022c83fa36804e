#!/usr/bin/env bash
# tessera perplexity --json on the fixed text agrees with llama.cpp's mean log-likelihood (0.5%), in
# one step per window and in smaller steps; a text too short to score is an error on the real model.
set -euo pipefail
tessera="$1"; root="$2"
model="$root/models/SmolLM2-135M-Instruct.Q4_1.gguf"
[ -f "$model" ] || { echo "SKIP: $model absent (make model)"; exit 77; }
text="$root/tests/golden/models/loglik_text.txt"
golden="$root/tests/golden/models/smollm2-135m-instruct-q4_1-loglik.json"
whole="$("$tessera" perplexity -m "$model" -f "$text" --threads 2 --json)"
stepped="$("$tessera" perplexity -m "$model" -f "$text" --threads 2 --batch 100 --json)"
python3 - "$whole" "$stepped" "$golden" <<'PYTHON'
import json, math, sys
whole, stepped = json.loads(sys.argv[1]), json.loads(sys.argv[2])
golden = json.load(open(sys.argv[3]))
for report in (whole, stepped):
    assert set(report) >= {"tokens_scored", "mean_log_likelihood", "perplexity", "windows", "timings"}, report
    assert report["tokens_scored"] == golden["tokens_scored"], report["tokens_scored"]
    assert len(report["windows"]) == len(golden["windows"])
    assert math.isclose(report["perplexity"], math.exp(-report["mean_log_likelihood"]), rel_tol=1e-9)
    relative = abs(report["mean_log_likelihood"] - golden["mean_log_likelihood"]) / abs(golden["mean_log_likelihood"])
    print(f"mean log-likelihood {report['mean_log_likelihood']:.6f}, llama.cpp {golden['mean_log_likelihood']:.6f}, "
          f"relative difference {relative:.3g}")
    assert relative <= 0.005, relative
assert math.isclose(whole["mean_log_likelihood"], stepped["mean_log_likelihood"], rel_tol=1e-4)
PYTHON
"$tessera" perplexity -m "$model" -f "$text" --context 256 --threads 2 | grep -q "windows: 4 of up to 256" \
  || { echo "plain output lacks the window count"; exit 1; }
if "$tessera" perplexity -m "$model" --text "Hello" 2> /dev/null; then echo "one token scored nothing yet passed"; exit 1; fi
echo "cli perplexity: ok"
