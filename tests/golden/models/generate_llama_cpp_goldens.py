#!/usr/bin/env python3
"""Greedy tokens and first-step logits from llama.cpp (the llama-cpp-python bindings) for the model
golden tests. Writes tests/golden/models/<model>.json.

The qwen2 model is random weights written by make_tiny_qwen2.py (as the build does for the test);
its fixture records the file's sha256 so the test knows it reads the same file.

Usage: python3 tests/golden/models/generate_llama_cpp_goldens.py [--shared ../shared/data] [--only NAME,...]
Needs: pip install llama-cpp-python==0.3.36 numpy gguf
"""
import argparse
import json
import os
import shutil
import tempfile

import llama_cpp
import numpy as np

PROMPTS = [
    "Once upon a time",
    "The capital of France is",
    "def fibonacci(n):",
    "Lily and Ben went to the park. They saw a big",
]
GENERATED_TOKENS = 64


def greedy(model, prompt):
    prompt_tokens = model.tokenize(prompt.encode("utf-8"), add_bos=True, special=False)
    model.reset()
    model.eval(prompt_tokens)
    first_logits = np.array(model.scores[len(prompt_tokens) - 1], dtype=np.float32)
    generated = []
    logits = first_logits
    for _ in range(GENERATED_TOKENS):
        token = int(np.argmax(logits))
        generated.append(token)
        if token == model.token_eos():
            break
        model.eval([token])
        logits = np.array(model.scores[model.n_tokens - 1], dtype=np.float32)
    return prompt_tokens, generated, first_logits


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", "..", ".."))
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=os.path.join(root, "..", "shared", "data"))
    parser.add_argument("--only", help="comma-separated fixture names to regenerate")
    arguments = parser.parse_args()
    generated = tempfile.mkdtemp()
    models = {
        "smollm2-135m-instruct-q4_1": os.path.join(root, "models", "SmolLM2-135M-Instruct.Q4_1.gguf"),
        "stories260k": os.path.join(arguments.shared, "models", "stories260K.gguf"),
        "llama-2-tiny-random": os.path.join(arguments.shared, "models", "llama-2-tiny-random.gguf"),
        "qwen2-tiny-random": os.path.join(generated, "qwen2-tiny-random.gguf"),
    }
    digests = {}
    for name, path in models.items():
        if arguments.only and name not in arguments.only.split(","):
            continue
        if name == "qwen2-tiny-random":
            import make_tiny_qwen2
            digests[name] = make_tiny_qwen2.write(path, arguments.shared)
        model = llama_cpp.Llama(model_path=path, n_ctx=512, n_batch=512, n_threads=2, logits_all=True,
                                verbose=False, seed=0)
        cases = []
        for prompt in PROMPTS:
            prompt_tokens, generated, logits = greedy(model, prompt)
            order = np.argsort(-logits, kind="stable")[:64]
            cases.append({
                "prompt": prompt,
                "prompt_tokens": [int(t) for t in prompt_tokens],
                "tokens": generated,
                "first_logits_top": [[int(i), float(logits[i])] for i in order],
                "first_logits_mean": float(logits.mean()),
                "first_logits_std": float(logits.std()),
            })
        output = {
            "oracle": f"llama-cpp-python {llama_cpp.__version__}, greedy argmax, n_threads=2",
            "model": os.path.basename(path),
            "cases": cases,
        }
        if name in digests:
            output["model_sha256"] = digests[name]
        with open(os.path.join(here, name + ".json"), "w") as out:
            json.dump(output, out, indent=1)
        print(name, [len(c["tokens"]) for c in cases])
    shutil.rmtree(generated)


if __name__ == "__main__":
    main()
