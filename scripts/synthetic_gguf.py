"""GGUF files with random weights and the tensor layout of a real architecture (llama, qwen2,
qwen3moe), readable by llama.cpp and Tessera. Used by scripts/make_bench_models.py (speed
comparisons) and tests/golden/models/make_tiny_qwen2.py (architecture tests).

Needs: pip install gguf numpy
"""
import dataclasses
import json
import os
import zlib

import gguf
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DEFAULT_SHARED = os.path.join(ROOT, "..", "shared", "data")
SMOLLM2_FILE = os.path.join(ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")

# Tokens Qwen2.5 adds after its 151643 byte-level BPE tokens (ids 151643...), and whether each is a
# control token (the others are user-defined: plain text that is never split).
QWEN2_ADDED_TOKENS = [
    ("<|endoftext|>", True), ("<|im_start|>", True), ("<|im_end|>", True),
    ("<|object_ref_start|>", True), ("<|object_ref_end|>", True), ("<|box_start|>", True),
    ("<|box_end|>", True), ("<|quad_start|>", True), ("<|quad_end|>", True),
    ("<|vision_start|>", True), ("<|vision_end|>", True), ("<|vision_pad|>", True),
    ("<|image_pad|>", True), ("<|video_pad|>", True), ("<tool_call>", False),
    ("</tool_call>", False), ("<|fim_prefix|>", False), ("<|fim_middle|>", False),
    ("<|fim_suffix|>", False), ("<|fim_pad|>", False), ("<|repo_name|>", False),
    ("<|file_sep|>", False),
]
# Qwen3 adds four more after those.
QWEN3_ADDED_TOKENS = QWEN2_ADDED_TOKENS + [
    ("<tool_response>", False), ("</tool_response>", False), ("<think>", False), ("</think>", False),
]


@dataclasses.dataclass(frozen=True)
class Shape:
    """Hyper-parameters, under their Hugging Face config.json names where one exists."""
    name: str                     # file name stem
    architecture: str             # general.architecture: llama, qwen2 or qwen3moe
    tokenizer: str                # "smollm2" (copied from the SmolLM2 file), "qwen2" or "qwen3"
    num_hidden_layers: int
    hidden_size: int
    num_attention_heads: int
    num_key_value_heads: int
    intermediate_size: int        # dense feed-forward width
    vocab_size: int
    rope_theta: float
    rms_norm_eps: float
    max_position_embeddings: int
    tie_word_embeddings: bool
    head_dim: int = 0             # 0: hidden_size / num_attention_heads
    attention_bias: bool = False  # biases on the query, key and value projections (qwen2)
    num_experts: int = 0          # qwen3moe: routed experts per layer
    num_experts_per_tok: int = 0
    moe_intermediate_size: int = 0

    @property
    def head_size(self):
        return self.head_dim or self.hidden_size // self.num_attention_heads


@dataclasses.dataclass(frozen=True)
class TensorSpec:
    name: str
    shape: tuple    # numpy order, outermost first: a [rows, columns] matrix multiplies columns-long inputs
    kind: str       # "norm", "bias", "matrix" or "router"


def tensor_specs(shape):
    """Every tensor of the architecture, in llama.cpp's names."""
    hidden, head = shape.hidden_size, shape.head_size
    q_size, kv_size = shape.num_attention_heads * head, shape.num_key_value_heads * head
    specs = [TensorSpec("token_embd.weight", (shape.vocab_size, hidden), "matrix"),
             TensorSpec("output_norm.weight", (hidden,), "norm")]
    if not shape.tie_word_embeddings:
        specs.append(TensorSpec("output.weight", (shape.vocab_size, hidden), "matrix"))
    for layer in range(shape.num_hidden_layers):
        block = f"blk.{layer}."
        specs += [TensorSpec(block + "attn_norm.weight", (hidden,), "norm"),
                  TensorSpec(block + "attn_q.weight", (q_size, hidden), "matrix"),
                  TensorSpec(block + "attn_k.weight", (kv_size, hidden), "matrix"),
                  TensorSpec(block + "attn_v.weight", (kv_size, hidden), "matrix"),
                  TensorSpec(block + "attn_output.weight", (hidden, q_size), "matrix"),
                  TensorSpec(block + "ffn_norm.weight", (hidden,), "norm")]
        if shape.attention_bias:
            specs += [TensorSpec(block + "attn_q.bias", (q_size,), "bias"),
                      TensorSpec(block + "attn_k.bias", (kv_size,), "bias"),
                      TensorSpec(block + "attn_v.bias", (kv_size,), "bias")]
        if shape.architecture == "qwen3moe":
            experts, width = shape.num_experts, shape.moe_intermediate_size
            specs += [TensorSpec(block + "attn_q_norm.weight", (head,), "norm"),
                      TensorSpec(block + "attn_k_norm.weight", (head,), "norm"),
                      TensorSpec(block + "ffn_gate_inp.weight", (experts, hidden), "router"),
                      TensorSpec(block + "ffn_gate_exps.weight", (experts, width, hidden), "matrix"),
                      TensorSpec(block + "ffn_up_exps.weight", (experts, width, hidden), "matrix"),
                      TensorSpec(block + "ffn_down_exps.weight", (experts, hidden, width), "matrix")]
        else:
            width = shape.intermediate_size
            specs += [TensorSpec(block + "ffn_gate.weight", (width, hidden), "matrix"),
                      TensorSpec(block + "ffn_up.weight", (width, hidden), "matrix"),
                      TensorSpec(block + "ffn_down.weight", (hidden, width), "matrix")]
    return specs


def add_hyperparameters(writer, shape, file_type):
    writer.add_name(shape.name)
    writer.add_type("model")
    writer.add_context_length(shape.max_position_embeddings)
    writer.add_embedding_length(shape.hidden_size)
    writer.add_block_count(shape.num_hidden_layers)
    writer.add_feed_forward_length(shape.intermediate_size)
    writer.add_head_count(shape.num_attention_heads)
    writer.add_head_count_kv(shape.num_key_value_heads)
    writer.add_rope_freq_base(shape.rope_theta)
    writer.add_layer_norm_rms_eps(shape.rms_norm_eps)
    writer.add_vocab_size(shape.vocab_size)
    if shape.head_dim:
        writer.add_key_length(shape.head_dim)
        writer.add_value_length(shape.head_dim)
    if shape.architecture == "llama":
        writer.add_rope_dimension_count(shape.head_size)
    if shape.num_experts:
        writer.add_expert_count(shape.num_experts)
        writer.add_expert_used_count(shape.num_experts_per_tok)
        writer.add_expert_feed_forward_length(shape.moe_intermediate_size)
    writer.add_file_type(file_type)
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)


# ---- tokenizers ---------------------------------------------------------------------------------

def add_tokenizer(writer, shape, shared=DEFAULT_SHARED, smollm2_file=SMOLLM2_FILE):
    if shape.tokenizer == "smollm2":
        copy_tokenizer(writer, smollm2_file, shape.vocab_size)
    elif shape.tokenizer in ("qwen2", "qwen3"):
        added = QWEN2_ADDED_TOKENS if shape.tokenizer == "qwen2" else QWEN3_ADDED_TOKENS
        add_qwen_tokenizer(writer, os.path.join(shared, "tokenizers", "qwen2-bpe"), added, shape.vocab_size)
        template = os.path.join(shared, "templates", "Qwen-Qwen2.5-7B-Instruct.jinja")
        if shape.tokenizer == "qwen2" and os.path.exists(template):
            with open(template, encoding="utf-8") as stream:
                writer.add_chat_template(stream.read())
    else:
        raise ValueError(f"unknown tokenizer {shape.tokenizer}")


def copy_tokenizer(writer, source_path, vocab_size):
    """Copies every tokenizer.* key of an existing GGUF file."""
    reader = gguf.GGUFReader(source_path)
    for key, field in reader.fields.items():
        if not key.startswith("tokenizer."):
            continue
        value_type = field.types[0]
        sub_type = field.types[-1] if value_type == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(key, field.contents(), value_type, sub_type)
    tokens = len(reader.fields["tokenizer.ggml.tokens"].data)
    if tokens != vocab_size:
        raise ValueError(f"{source_path} has {tokens} tokens, the shape wants {vocab_size}")


def add_qwen_tokenizer(writer, folder, added_tokens, vocab_size):
    """Qwen's byte-level BPE from vocab.json + merges.txt, its added tokens, then padding tokens up
    to the embedding's row count (as llama.cpp's converter does)."""
    with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as stream:
        vocabulary = json.load(stream)
    with open(os.path.join(folder, "merges.txt"), encoding="utf-8") as stream:
        merges = [line.rstrip("\n") for line in stream if line.strip() and not line.startswith("#version")]
    tokens = [None] * len(vocabulary)
    for text, token_id in vocabulary.items():
        tokens[token_id] = text
    types = [gguf.TokenType.NORMAL] * len(tokens)
    for text, control in added_tokens:
        tokens.append(text)
        types.append(gguf.TokenType.CONTROL if control else gguf.TokenType.USER_DEFINED)
    if len(tokens) > vocab_size:
        raise ValueError(f"{len(tokens)} tokens do not fit a vocabulary of {vocab_size}")
    for token_id in range(len(tokens), vocab_size):
        tokens.append(f"[PAD{token_id}]")
        types.append(gguf.TokenType.UNUSED)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    end_of_text = tokens.index("<|endoftext|>")
    writer.add_bos_token_id(end_of_text)
    writer.add_eos_token_id(tokens.index("<|im_end|>"))
    writer.add_pad_token_id(end_of_text)
    writer.add_add_bos_token(False)


# ---- weights ------------------------------------------------------------------------------------

def seed_of(*parts):
    return zlib.crc32("/".join(str(part) for part in parts).encode("utf-8"))


def encode(values, ggml_type):
    """F32 values [.., columns] as the bytes [.., row bytes] of ggml_type."""
    if ggml_type == gguf.GGMLQuantizationType.F32:
        return np.ascontiguousarray(values, dtype=np.float32).view(np.uint8)
    if ggml_type == gguf.GGMLQuantizationType.F16:
        return values.astype(np.float16).view(np.uint8)
    return gguf.quants.quantize(values, ggml_type)


class RandomWeights:
    """Every value drawn independently: normal * scale for matrices and biases, 1 + normal * spread
    for norm weights."""

    def __init__(self, seed, matrix_scale=0.02, bias_scale=0.02, norm_spread=0.02, embedding_scale=None):
        self.seed, self.matrix_scale, self.bias_scale, self.norm_spread = seed, matrix_scale, bias_scale, norm_spread
        self.embedding_scale = matrix_scale if embedding_scale is None else embedding_scale

    def values(self, spec):  # [spec.shape] F32
        generator = np.random.default_rng(seed_of(self.seed, spec.name))
        normal = generator.standard_normal(spec.shape, dtype=np.float32)
        if spec.kind == "norm":
            return 1.0 + self.norm_spread * normal
        if spec.kind == "bias":
            return self.bias_scale * normal
        scale = self.embedding_scale if spec.name in ("token_embd.weight", "output.weight") else self.matrix_scale
        return scale * normal

    def tensor_bytes(self, spec, ggml_type):
        return encode(self.values(spec), ggml_type)


class PooledWeights(RandomWeights):
    """For speed runs, where values only need realistic magnitudes: the rows of each large matrix
    are drawn (seeded) from a pool of random rows encoded once per row length and type, so a
    multi-GB file takes seconds rather than minutes of random numbers and quantization."""

    def __init__(self, seed, pool_rows=4096, **scales):
        super().__init__(seed, **scales)
        self.pool_rows = pool_rows
        self.pools = {}

    def tensor_bytes(self, spec, ggml_type):
        rows = int(np.prod(spec.shape[:-1])) if len(spec.shape) > 1 else 1
        if spec.kind != "matrix" or rows <= self.pool_rows:
            return super().tensor_bytes(spec, ggml_type)
        columns = spec.shape[-1]
        key = (columns, ggml_type)
        if key not in self.pools:
            pool_spec = TensorSpec(f"pool/{columns}", (self.pool_rows, columns), "matrix")
            self.pools[key] = encode(RandomWeights.values(self, pool_spec), ggml_type)  # [pool_rows, row bytes]
        generator = np.random.default_rng(seed_of(self.seed, spec.name))
        picked = self.pools[key][generator.integers(0, self.pool_rows, rows)]  # [rows, row bytes]
        return picked.reshape(spec.shape[:-1] + (picked.shape[-1],))


# ---- file ---------------------------------------------------------------------------------------

FILE_TYPES = {  # general.file_type (llama_ftype) of a file whose matrices are all of that type
    gguf.GGMLQuantizationType.F32: gguf.LlamaFileType.ALL_F32,
    gguf.GGMLQuantizationType.F16: gguf.LlamaFileType.MOSTLY_F16,
    gguf.GGMLQuantizationType.Q8_0: gguf.LlamaFileType.MOSTLY_Q8_0,
    gguf.GGMLQuantizationType.Q4_0: gguf.LlamaFileType.MOSTLY_Q4_0,
    gguf.GGMLQuantizationType.Q4_1: gguf.LlamaFileType.MOSTLY_Q4_1,
}


def write_model(path, shape, weights, matrix_type, embedding_type=None, shared=DEFAULT_SHARED,
                smollm2_file=SMOLLM2_FILE):
    """Writes the file tensor by tensor (never the whole model in memory). Norms, biases and the
    expert router stay F32, as llama.cpp's converter and quantizer keep them."""
    embedding_type = matrix_type if embedding_type is None else embedding_type
    specs = tensor_specs(shape)
    types = {}
    for spec in specs:
        if spec.kind != "matrix":
            types[spec.name] = gguf.GGMLQuantizationType.F32
        elif spec.name in ("token_embd.weight", "output.weight"):
            types[spec.name] = embedding_type
        else:
            types[spec.name] = matrix_type
    writer = gguf.GGUFWriter(path, shape.architecture)
    add_hyperparameters(writer, shape, FILE_TYPES[matrix_type])
    add_tokenizer(writer, shape, shared, smollm2_file)
    for spec in specs:
        block_size, type_size = gguf.GGML_QUANT_SIZES[types[spec.name]]
        if spec.shape[-1] % block_size:
            raise ValueError(f"{spec.name}: {spec.shape[-1]} columns are not whole {types[spec.name].name} blocks")
        byte_shape = spec.shape[:-1] + (spec.shape[-1] // block_size * type_size,)
        writer.add_tensor_info(spec.name, byte_shape, np.dtype(np.uint8), int(np.prod(byte_shape)), types[spec.name])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for spec in specs:
        writer.write_tensor_data(weights.tensor_bytes(spec, types[spec.name]))
    writer.close()
