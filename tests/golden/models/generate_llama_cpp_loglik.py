#!/usr/bin/env python3
"""Mean log-likelihood of tests/golden/models/loglik_text.txt under SmolLM2-135M-Instruct Q4_1, from
llama.cpp (the llama-cpp-python bindings), for the `tessera perplexity` golden test. Writes
tests/golden/models/smollm2-135m-instruct-q4_1-loglik.json.

The windows and the scoring are those of src/engine/perplexity.h: the text is tokenized without
special tokens; each window is BOS (only when the model's metadata asks for it) and the next
context - 1 text tokens, or the next context text tokens without BOS; each window starts from an
empty KV cache; every token after a window's first is scored with the log-softmax (in float64) of
the logits at the position before it. A trailing one-token window scores nothing and is left out.

Usage: python3 tests/golden/models/generate_llama_cpp_loglik.py
Needs: pip install llama-cpp-python==0.3.36 numpy
"""
import json
import math
import os

import llama_cpp
import numpy as np

CONTEXT = 512
THREADS = 2


def split_windows(tokens, context, bos):
    piece = context - (1 if bos is not None else 0)
    windows = []
    for begin in range(0, len(tokens), piece):
        window = ([bos] if bos is not None else []) + tokens[begin:begin + piece]
        if len(window) >= 2:
            windows.append(window)
    return windows


def window_log_likelihood(model, window):
    model.reset()
    model.eval(window)
    logits = np.array(model.scores[:len(window)], dtype=np.float64)
    largest = logits.max(axis=1, keepdims=True)
    log_probabilities = logits - largest - np.log(np.exp(logits - largest).sum(axis=1, keepdims=True))
    # Row i predicts token i + 1.
    return float(sum(log_probabilities[i - 1, window[i]] for i in range(1, len(window))))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", "..", ".."))
    model_path = os.path.join(root, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")
    with open(os.path.join(here, "loglik_text.txt"), "rb") as stream:
        text = stream.read()
    model = llama_cpp.Llama(model_path=model_path, n_ctx=CONTEXT, n_batch=CONTEXT, n_threads=THREADS,
                            logits_all=True, verbose=False, seed=0)
    tokens = model.tokenize(text, add_bos=False, special=False)
    bos = model.token_bos() if model._model.add_bos_token() else None
    windows = split_windows(tokens, CONTEXT, bos)
    results = []
    total = 0.0
    scored = 0
    for window in windows:
        log_likelihood = window_log_likelihood(model, window)
        results.append({"tokens": len(window), "tokens_scored": len(window) - 1,
                        "mean_log_likelihood": log_likelihood / (len(window) - 1)})
        total += log_likelihood
        scored += len(window) - 1
    mean = total / scored
    output = {
        "oracle": f"llama-cpp-python {llama_cpp.__version__}, logits_all, float64 log-softmax, n_threads={THREADS}",
        "model": os.path.basename(model_path),
        "text": "loglik_text.txt",
        "context": CONTEXT,
        "bos": bos,
        "text_tokens": [int(t) for t in tokens],
        "windows": results,
        "tokens_scored": scored,
        "mean_log_likelihood": mean,
        "perplexity": math.exp(-mean),
    }
    with open(os.path.join(here, "smollm2-135m-instruct-q4_1-loglik.json"), "w") as out:
        json.dump(output, out, indent=1)
    print(f"{len(tokens)} text tokens, {len(windows)} windows, {scored} scored, "
          f"mean log-likelihood {mean:.6f}, perplexity {math.exp(-mean):.4f}")


if __name__ == "__main__":
    main()
