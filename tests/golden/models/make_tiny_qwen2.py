#!/usr/bin/env python3
"""A tiny random-weight qwen2 model (2 layers, hidden 64, Qwen2.5's 151936-token vocabulary, tied
embeddings, F32) for the qwen2 golden test. The build runs this to make the file the test reads;
generate_llama_cpp_goldens.py runs it to make the file llama.cpp reads. It also writes
<output>.sha256, which the test compares with the digest recorded in the fixture, so a numpy whose
random stream differs is reported instead of being compared against the wrong oracle.

Usage: python3 tests/golden/models/make_tiny_qwen2.py OUTPUT.gguf [--shared ../shared/data]
Needs: pip install gguf numpy
"""
import argparse
import hashlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "scripts"))
import synthetic_gguf  # noqa: E402

import gguf  # noqa: E402

SHAPE = synthetic_gguf.Shape(
    name="qwen2-tiny-random", architecture="qwen2", tokenizer="qwen2", num_hidden_layers=2, hidden_size=64,
    num_attention_heads=4, num_key_value_heads=2, intermediate_size=160, vocab_size=151936,
    rope_theta=1000000.0, rms_norm_eps=1e-6, max_position_embeddings=4096, tie_word_embeddings=True,
    attention_bias=True)
# Scales that give a spread of logits (std about 4) and layers that outweigh the tied embedding, so the
# greedy tokens vary and are well separated; biases near the size of the projections so a missing one shows.
WEIGHTS = synthetic_gguf.RandomWeights(seed=2, matrix_scale=0.25, bias_scale=0.5, norm_spread=0.1,
                                       embedding_scale=0.5)


def write(path, shared):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    synthetic_gguf.write_model(path, SHAPE, WEIGHTS, gguf.GGMLQuantizationType.F32, shared=shared)
    with open(path, "rb") as stream:
        digest = hashlib.sha256(stream.read()).hexdigest()
    with open(path + ".sha256", "w") as stream:
        stream.write(digest + "\n")
    return digest


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--shared", default=synthetic_gguf.DEFAULT_SHARED)
    arguments = parser.parse_args()
    print(arguments.output, write(arguments.output, arguments.shared))


if __name__ == "__main__":
    main()
