#!/usr/bin/env python3
"""Writes random-weight GGUF files with the real shapes of small open models, for speed comparisons
of Tessera and llama.cpp (bench/compare.sh). The outputs are gibberish; only sizes and layouts are real.

Usage: python3 scripts/make_bench_models.py [OUTPUT_FOLDER] [--models smollm2,qwen2.5,qwen3moe]
                                            [--types F16,Q8_0,Q4_0,Q4_1,Q4_K_M]
Default folder: models/bench/. Files: <shape>-synthetic.<type>.gguf.

F16, Q8_0, Q4_0 and Q4_1 are encoded with the gguf package; in the 4-bit files token_embd (and
output) are Q8_0, as llama-quantize leaves them for these widths. Q4_K_M comes from the F16 file
through llama.cpp's quantizer (llama_model_quantize of the llama-cpp-python package), since the
gguf package cannot encode K-quants. Tokenizers: SmolLM2's is copied from
models/SmolLM2-135M-Instruct.Q4_1.gguf; Qwen's is built from ../shared/data/tokenizers/qwen2-bpe.

Needs: pip install gguf numpy (and llama-cpp-python for Q4_K_M)
"""
import argparse
import os
import sys
import tempfile
import time

import gguf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synthetic_gguf  # noqa: E402
from synthetic_gguf import Shape  # noqa: E402

SHAPES = {
    # HuggingFaceTB/SmolLM2-135M: config.json of the release.
    "smollm2": Shape(name="SmolLM2-135M-synthetic", architecture="llama", tokenizer="smollm2",
                     num_hidden_layers=30, hidden_size=576, num_attention_heads=9, num_key_value_heads=3,
                     intermediate_size=1536, vocab_size=49152, rope_theta=100000.0, rms_norm_eps=1e-5,
                     max_position_embeddings=8192, tie_word_embeddings=True),
    # Qwen/Qwen2.5-0.5B: config.json of the release.
    "qwen2.5": Shape(name="Qwen2.5-0.5B-synthetic", architecture="qwen2", tokenizer="qwen2",
                     num_hidden_layers=24, hidden_size=896, num_attention_heads=14, num_key_value_heads=2,
                     intermediate_size=4864, vocab_size=151936, rope_theta=1000000.0, rms_norm_eps=1e-6,
                     max_position_embeddings=32768, tie_word_embeddings=True, attention_bias=True),
    # Qwen/Qwen3-30B-A3B scaled down: half its width (hidden 1024 of 2048, 16 of 32 query heads and
    # 2 of 4 key/value heads at its head size 128), a third of its expert width (256 of 768), 8 of
    # its 48 layers; its full router (128 experts, 8 per token), vocabulary and untied output.
    # About 1.15 B parameters, about 0.1 B of them active per token besides the output matrix.
    "qwen3moe": Shape(name="Qwen3-MoE-A0.1B-synthetic", architecture="qwen3moe", tokenizer="qwen3",
                      num_hidden_layers=8, hidden_size=1024, num_attention_heads=16, num_key_value_heads=2,
                      head_dim=128, intermediate_size=3072, vocab_size=151936, rope_theta=1000000.0,
                      rms_norm_eps=1e-6, max_position_embeddings=32768, tie_word_embeddings=False,
                      num_experts=128, num_experts_per_tok=8, moe_intermediate_size=256),
}
GGUF_TYPES = {
    "F16": (gguf.GGMLQuantizationType.F16, gguf.GGMLQuantizationType.F16),
    "Q8_0": (gguf.GGMLQuantizationType.Q8_0, gguf.GGMLQuantizationType.Q8_0),
    "Q4_0": (gguf.GGMLQuantizationType.Q4_0, gguf.GGMLQuantizationType.Q8_0),
    "Q4_1": (gguf.GGMLQuantizationType.Q4_1, gguf.GGMLQuantizationType.Q8_0),
}
LLAMA_QUANTIZER_TYPES = ["Q4_K_M"]
SEED = 20240601


def quantize_with_llama_cpp(source, target, type_name):
    """Returns llama.cpp's note on tensors whose width forced another type (e.g. Q5_0 for Q4_K)."""
    import llama_cpp  # only needed for K-quants
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{type_name}")
    params.nthread = os.cpu_count() or 1
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as log:
        sys.stderr.flush()
        saved_stderr = os.dup(2)
        os.dup2(log.fileno(), 2)  # its per-tensor log goes to stderr
        try:
            status = llama_cpp.llama_model_quantize(source.encode(), target.encode(), params)
        finally:
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
        log.seek(0)
        text = log.read()
    if status != 0:
        raise RuntimeError(f"llama_model_quantize {source} -> {target} failed ({status}):\n{text[-4000:]}")
    return " ".join(line.split("WARNING:")[-1].strip() for line in text.splitlines() if "fallback quantization" in line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", default=os.path.join(synthetic_gguf.ROOT, "models", "bench"))
    parser.add_argument("--models", default=",".join(SHAPES), help="comma-separated: " + ", ".join(SHAPES))
    parser.add_argument("--types", default=",".join(list(GGUF_TYPES) + LLAMA_QUANTIZER_TYPES))
    parser.add_argument("--shared", default=synthetic_gguf.DEFAULT_SHARED, help="shared test data (Qwen tokenizer)")
    parser.add_argument("--smollm2", default=synthetic_gguf.SMOLLM2_FILE, help="GGUF to copy SmolLM2's tokenizer from")
    arguments = parser.parse_args()
    os.makedirs(arguments.output, exist_ok=True)
    types = arguments.types.split(",")
    for unknown in set(types) - set(GGUF_TYPES) - set(LLAMA_QUANTIZER_TYPES):
        parser.error(f"unknown type {unknown}")
    for key in arguments.models.split(","):
        if key not in SHAPES:
            parser.error(f"unknown model {key}")
        shape = SHAPES[key]
        weights = synthetic_gguf.PooledWeights(SEED)
        path_of = lambda type_name: os.path.join(arguments.output, f"{shape.name}.{type_name}.gguf")  # noqa: E731
        needs_f16 = any(name in LLAMA_QUANTIZER_TYPES for name in types)
        for type_name in [name for name in GGUF_TYPES if name in types or (name == "F16" and needs_f16)]:
            started = time.time()
            matrix_type, embedding_type = GGUF_TYPES[type_name]
            synthetic_gguf.write_model(path_of(type_name), shape, weights, matrix_type, embedding_type,
                                       arguments.shared, arguments.smollm2)
            report(path_of(type_name), started)
        for type_name in [name for name in LLAMA_QUANTIZER_TYPES if name in types]:
            started = time.time()
            note = quantize_with_llama_cpp(path_of("F16"), path_of(type_name), type_name)
            report(path_of(type_name), started, note)
        if "F16" not in types and needs_f16:
            os.remove(path_of("F16"))


def report(path, started, note=""):
    print(f"{path}: {os.path.getsize(path) / 2**20:.0f} MiB in {time.time() - started:.1f} s"
          + (f" ({note})" if note else ""), flush=True)


if __name__ == "__main__":
    main()
