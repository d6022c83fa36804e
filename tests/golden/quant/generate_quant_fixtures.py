#!/usr/bin/env python3
"""Generates the quantization fixtures read by tests/unit/tensor/test_quantize.cpp.

Oracles:
  * the `gguf` PyPI package (gguf.quants) for F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1 quantization
    and for the dequantization of every type;
  * llama.cpp, through the `llama-cpp-python` package (llama_cpp.llama_model_quantize), for the
    error of its Q4_K, Q5_K and Q6_K quantizer on the same inputs Tessera quantizes.

Outputs (all little-endian, in this folder):
  quantize_reference.bin    inputs, their gguf encodings and the gguf decodings of those
  dequantize_reference.bin  random valid encodings of every type and their gguf decodings
  llama_cpp_k_quants.bin    inputs, llama.cpp's encodings of them and the resulting RMSE

File layout: b"TQFX", u32 version (1), u32 record count, then per record
  u32 name length, name (UTF-8), u64 byte length, bytes.
Record names are listed in README.md.

Usage: python3 generate_quant_fixtures.py   (needs numpy, gguf, llama-cpp-python)
"""

from __future__ import annotations

import ctypes
import struct
from importlib import metadata
import tempfile
from pathlib import Path

import gguf
import numpy as np
from gguf import GGMLQuantizationType as QType
from gguf.quants import dequantize, quantize

HERE = Path(__file__).resolve().parent
SEED = 20250611
BLOCK = 32
SUPER_BLOCK = 256


def write_records(path: Path, records: dict[str, bytes]) -> None:
    parts = [b"TQFX", struct.pack("<II", 1, len(records))]
    for name, payload in records.items():
        encoded = name.encode()
        parts += [struct.pack("<I", len(encoded)), encoded, struct.pack("<Q", len(payload)), payload]
    path.write_bytes(b"".join(parts))
    print(f"{path.name}: {len(records)} records, {path.stat().st_size} bytes")


def f32_bytes(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values, dtype="<f4").tobytes()


def u8_bytes(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values).view(np.uint8).tobytes()


# ---------------------------------------------------------------------------------------------
# Inputs for the bit-exact quantizers: 8 segments of 512 values (16 blocks of 32 each).


def tie_blocks() -> np.ndarray:
    """Blocks whose scaled values fall exactly on rounding ties of each format."""
    blocks = []
    # Q8_0: largest magnitude 127 gives d = 1, so the halves below are exact ties (away from zero).
    q8 = np.array([127, -126.5, 2.5, -3.5, 0.5, -0.5, 1.5, -1.5] + [k + 0.5 for k in range(-12, 12)], np.float32)
    blocks.append(q8)
    # Q4_0: the first largest value -8 gives d = 1; x + 8.5 lands on integers and half-integers.
    q40 = np.array([-8, 8, -7.5, -0.5, 0.5, 7.5, 3, -3] + [k * 0.25 for k in range(-12, 12)], np.float32)
    blocks.append(q40)
    # Equal magnitudes of opposite sign: the first one sets the sign of the Q4_0 scale.
    blocks.append(np.array([2, -2] * 16, np.float32))
    blocks.append(np.array([-2, 2] * 16, np.float32))
    # Q4_1: min 0 and max 15 give d = 1; (x - min) + 0.5 lands on halves.
    q41 = np.array([0, 15, 2.5, 3.5, 14.5, 0.5] + [k * 0.5 for k in range(26)], np.float32)
    blocks.append(q41)
    # F16 ties: halfway between neighbouring halves (round to even), incl. subnormal halves.
    ulp_one = 2.0 ** -10
    f16_ties = [1 + ulp_one / 2, 1 + 3 * ulp_one / 2, -(1 + ulp_one / 2), 2048 + 1, 2048 + 3, 65504 + 8,
                2.0 ** -24 / 2, 3 * 2.0 ** -24 / 2, 2.0 ** -14 - 2.0 ** -25, 1 / 3, 2 / 3, 0.1]
    blocks.append(np.array(f16_ties + [0.25 * k + 1 for k in range(32 - len(f16_ties))], np.float32))
    # BF16 ties: low sixteen bits exactly 0x8000.
    bits = np.array([0x3F808000, 0x3F818000, 0xBF808000, 0x40490000 | 0x8000, 0x3F800001, 0x3F807FFF] * 5
                    + [0x3F800000, 0x3F810000], np.uint32)
    blocks.append(bits.view(np.float32))
    return np.concatenate(blocks)


def special_blocks(rng: np.random.Generator) -> np.ndarray:
    """All-zero, constant and nearly empty blocks."""
    blocks = [np.zeros(BLOCK, np.float32), np.zeros(BLOCK, np.float32),
              np.full(BLOCK, 0.5, np.float32), np.full(BLOCK, -3.0, np.float32)]
    single = np.zeros(BLOCK, np.float32)
    single[7] = -1.25
    blocks.append(single)
    single = np.zeros(BLOCK, np.float32)
    single[31] = 4.0
    blocks.append(single)
    blocks.append(np.where(np.arange(BLOCK) % 2 == 0, 1.0, -1.0).astype(np.float32))
    blocks.append(np.linspace(-1, 1, BLOCK, dtype=np.float32))
    rest = rng.standard_normal(BLOCK * 8).astype(np.float32)
    return np.concatenate(blocks + [rest])


def quantize_inputs(rng: np.random.Generator) -> np.ndarray:
    n = 512
    normal = rng.standard_normal(n)
    uniform = rng.uniform(-1, 1, n)
    outliers = rng.normal(0, 0.02, n)
    picks = rng.choice(n, n // 64, replace=False)
    outliers[picks] = rng.choice([-1, 1], picks.size) * rng.uniform(1, 10, picks.size)
    tiny = rng.standard_normal(n) * np.repeat([1e-6, 1e-8, 1e-10, 1e-30], n // 4)
    large = rng.standard_normal(n) * np.repeat([1e2, 1e3, 1e4, 3e4], n // 4)
    one_signed = np.concatenate([rng.uniform(0, 1, n // 2), rng.uniform(-2, -1, n // 2)])
    ties = tie_blocks()
    ties = np.concatenate([ties, rng.standard_normal(n - ties.size)])
    segments = [normal, uniform, outliers, special_blocks(rng), tiny, large, one_signed, ties]
    values = np.concatenate(segments).astype(np.float32)
    assert values.size == 8 * n and not np.any(np.signbit(values) & (values == 0))
    return values


def q5_tie_blocks() -> np.ndarray:
    """Blocks whose scaled values fall exactly on the rounding ties of Q5_0 and Q5_1."""
    # Q5_0: the first largest value -16 gives d = 1; x + 16.5 lands on integers and half-integers.
    q50 = np.array([-16, 16, -15.5, -0.5, 0.5, 15.5, 7, -7] + [k * 0.5 for k in range(-12, 12)], np.float32)
    # Q5_1: min 0 and max 31 give d = 1; (x - min) + 0.5 lands on halves.
    q51 = np.array([0, 31, 2.5, 3.5, 30.5, 0.5] + [k * 1.25 for k in range(26)], np.float32)
    # Every level once, so each fifth bit of qh is set and clear across the blocks.
    ramp = np.arange(-16, 16, dtype=np.float32)
    return np.concatenate([q50, q51, ramp, ramp[::-1], -ramp])


def float_specials() -> np.ndarray:
    """Values only the F16 and BF16 conversions see: infinities, NaNs, overflow, subnormals."""
    bits = [0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FA00000, 0xFF802000, 0x7FFFFFFF,
            0x00000000, 0x80000000, 0x00000001, 0x807FFFFF, 0x7F7FFFFF, 0xFF7FFFFF, 0x33000000, 0x33000001,
            0xB3800000, 0x387FC000, 0x38800000, 0x477FE000, 0x477FEFFF, 0x477FF000, 0x477FF001, 0xC77FF000,
            0x3F7FFFFF, 0x7F7F8000, 0x7F7F7FFF, 0x3E800000, 0x3EAAAAAB, 0x41200000, 0xC1200000, 0x00800000]
    return np.array(bits, np.uint32).view(np.float32)


def quantize_reference(rng: np.random.Generator) -> dict[str, bytes]:
    values = quantize_inputs(rng)
    specials = float_specials()
    records = {"input": f32_bytes(values), "specials/input": f32_bytes(specials)}
    for qtype in (QType.F16, QType.BF16, QType.Q8_0, QType.Q4_0, QType.Q4_1, QType.Q5_0, QType.Q5_1):
        encoded = u8_bytes(quantize(values, qtype))
        records[f"{qtype.name}/quantized"] = encoded
        records[f"{qtype.name}/dequantized"] = f32_bytes(dequantize(np.frombuffer(encoded, np.uint8), qtype))
    q5_ties = q5_tie_blocks()
    records["q5_ties/input"] = f32_bytes(q5_ties)
    for qtype in (QType.Q5_0, QType.Q5_1):
        encoded = u8_bytes(quantize(q5_ties, qtype))
        records[f"{qtype.name}/q5_ties/quantized"] = encoded
        records[f"{qtype.name}/q5_ties/dequantized"] = f32_bytes(dequantize(np.frombuffer(encoded, np.uint8), qtype))
    for qtype in (QType.F16, QType.BF16):
        encoded = u8_bytes(quantize(specials, qtype))
        records[f"{qtype.name}/specials/quantized"] = encoded
        records[f"{qtype.name}/specials/dequantized"] = f32_bytes(dequantize(np.frombuffer(encoded, np.uint8), qtype))
    return records


# ---------------------------------------------------------------------------------------------
# Random encodings: any bytes are a valid block once its f16 scales are finite.

HALF_FIELDS = {  # byte offsets of the f16 fields in each block
    QType.Q4_0: [0], QType.Q4_1: [0, 2], QType.Q5_0: [0], QType.Q5_1: [0, 2], QType.Q8_0: [0],
    QType.Q4_K: [0, 2], QType.Q5_K: [0, 2], QType.Q6_K: [208],
}


def random_finite_halves(rng: np.random.Generator, count: int) -> np.ndarray:
    bits = rng.integers(0, 1 << 16, count, dtype=np.uint16)
    return np.where((bits & 0x7C00) == 0x7C00, bits & 0xBFFF, bits).astype(np.uint16)


def random_blocks(rng: np.random.Generator, qtype: QType, block_count: int) -> dict[str, bytes]:
    _, type_size = gguf.GGML_QUANT_SIZES[qtype]
    blocks = rng.integers(0, 256, (block_count, type_size), dtype=np.uint8)
    for offset in HALF_FIELDS[qtype]:
        blocks[:, offset:offset + 2] = random_finite_halves(rng, block_count).view(np.uint8).reshape(-1, 2)
    encoded = blocks.reshape(-1)
    return {f"{qtype.name}/encoded": encoded.tobytes(), f"{qtype.name}/decoded": f32_bytes(dequantize(encoded, qtype))}


def dequantize_reference(rng: np.random.Generator) -> dict[str, bytes]:
    records = {}
    for qtype in (QType.F16, QType.BF16):
        bits = rng.integers(0, 1 << 16, 2048, dtype=np.uint16)  # every pattern class, NaNs included
        bits[:8] = [0x0000, 0x8000, 0x0001, 0x03FF, 0x7C00, 0xFC00, 0x7C01, 0xFE00]
        encoded = bits.view(np.uint8)
        records[f"{qtype.name}/encoded"] = encoded.tobytes()
        records[f"{qtype.name}/decoded"] = f32_bytes(dequantize(encoded, qtype))
    for qtype, block_count in ((QType.Q8_0, 64), (QType.Q4_0, 64), (QType.Q4_1, 64),
                               (QType.Q4_K, 8), (QType.Q5_K, 8), (QType.Q6_K, 8)):
        records.update(random_blocks(rng, qtype, block_count))
    # Types added later draw from their own stream, so the records above keep their bytes.
    later = np.random.default_rng([SEED, 5])
    for qtype in (QType.Q5_0, QType.Q5_1):
        records.update(random_blocks(later, qtype, 64))
    return records


# ---------------------------------------------------------------------------------------------
# llama.cpp's K-quant error: a tiny llama-architecture F32 model whose 256x256 matrices hold one
# distribution each, quantized by llama.cpp; the first ROWS rows of each are recorded.

EMBED = 256
LAYERS = 2
ROWS = 16
# Tensor per distribution; in Q4_K_M / Q5_K_M these stay Q4_K / Q5_K (attn_v and ffn_down of some
# layers and output.weight are raised to Q6_K), in Q6_K everything is Q6_K.
DISTRIBUTION_TENSORS = {
    "normal": "blk.0.attn_q.weight",
    "uniform": "blk.0.attn_k.weight",
    "heavy_tailed": "blk.0.attn_output.weight",
    "outliers": "blk.0.ffn_gate.weight",
    "mixed_scale": "blk.0.ffn_up.weight",
    "offset": "blk.1.attn_q.weight",
}
FTYPES = {QType.Q4_K: 15, QType.Q5_K: 17, QType.Q6_K: 18}  # LLAMA_FTYPE_MOSTLY_Q4_K_M, Q5_K_M, Q6_K


def distribution(name: str, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    if name == "normal":
        values = rng.normal(0, 0.02, shape)
    elif name == "uniform":
        values = rng.uniform(-1, 1, shape)
    elif name == "heavy_tailed":
        values = rng.standard_t(3, shape) * 0.02
    elif name == "outliers":
        values = rng.normal(0, 0.02, shape)
        mask = rng.random(shape) < 0.005
        values[mask] *= 50
    elif name == "mixed_scale":  # each 32-value group at its own magnitude, 1e-3 .. 1e1
        groups = 10.0 ** rng.uniform(-3, 1, (shape[0], shape[1] // BLOCK, 1))
        values = (rng.standard_normal((shape[0], shape[1] // BLOCK, BLOCK)) * groups).reshape(shape)
    elif name == "offset":  # mostly one-signed groups, where the min carries the block
        values = rng.normal(0.05, 0.02, shape)
    else:
        raise ValueError(name)
    return values.astype(np.float32)


def write_model(path: Path, rng: np.random.Generator) -> dict[str, np.ndarray]:
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_context_length(64)
    writer.add_embedding_length(EMBED)
    writer.add_block_count(LAYERS)
    writer.add_feed_forward_length(EMBED)
    writer.add_head_count(2)
    writer.add_head_count_kv(2)
    writer.add_rope_dimension_count(EMBED // 2)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(0)
    inputs = {}
    by_tensor = {tensor: name for name, tensor in DISTRIBUTION_TENSORS.items()}

    def add(tensor: str, shape: tuple[int, ...]) -> None:
        if tensor in by_tensor:
            data = distribution(by_tensor[tensor], rng, shape)
            inputs[by_tensor[tensor]] = data
        else:
            data = rng.normal(0, 0.02, shape).astype(np.float32)
        writer.add_tensor(tensor, data)

    add("token_embd.weight", (EMBED, EMBED))
    add("output_norm.weight", (EMBED,))
    add("output.weight", (EMBED, EMBED))
    for layer in range(LAYERS):
        prefix = f"blk.{layer}."
        add(prefix + "attn_norm.weight", (EMBED,))
        add(prefix + "ffn_norm.weight", (EMBED,))
        for part in ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"):
            add(prefix + part + ".weight", (EMBED, EMBED))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return inputs


def llama_cpp_reference(rng: np.random.Generator) -> dict[str, bytes]:
    import llama_cpp

    versions = f"llama-cpp-python {metadata.version('llama-cpp-python')}, gguf {metadata.version('gguf')}"
    records = {"versions": versions.encode()}
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "f32.gguf"
        inputs = write_model(source, rng)
        for name, values in inputs.items():
            records[f"input/{name}"] = f32_bytes(values[:ROWS])
        for qtype, ftype in FTYPES.items():
            target = Path(folder) / f"{qtype.name}.gguf"
            params = llama_cpp.llama_model_quantize_default_params()
            params.ftype = ftype
            params.nthread = 1
            if llama_cpp.llama_model_quantize(str(source).encode(), str(target).encode(), ctypes.byref(params)) != 0:
                raise RuntimeError(f"llama.cpp failed to quantize to {qtype.name}")
            tensors = {tensor.name: tensor for tensor in gguf.GGUFReader(str(target)).tensors}
            for name, tensor_name in DISTRIBUTION_TENSORS.items():
                tensor = tensors[tensor_name]
                if tensor.tensor_type != qtype:
                    raise RuntimeError(f"{tensor_name} became {tensor.tensor_type.name}, not {qtype.name}")
                encoded = np.asarray(tensor.data)[:ROWS].reshape(-1)
                decoded = dequantize(encoded, qtype).astype(np.float64)
                rmse = float(np.sqrt(np.mean((decoded - inputs[name][:ROWS].reshape(-1)) ** 2)))
                records[f"{qtype.name}/{name}/encoded"] = u8_bytes(encoded)
                records[f"{qtype.name}/{name}/rmse"] = struct.pack("<d", rmse)
                print(f"llama.cpp {qtype.name:5} {name:13} rmse {rmse:.6g}")
    return records


def main() -> None:
    rng = np.random.default_rng(SEED)
    np.seterr(over="ignore", invalid="ignore")  # the F16 inputs overflow and hold NaNs on purpose
    write_records(HERE / "quantize_reference.bin", quantize_reference(rng))
    write_records(HERE / "dequantize_reference.bin", dequantize_reference(rng))
    write_records(HERE / "llama_cpp_k_quants.bin", llama_cpp_reference(rng))


if __name__ == "__main__":
    main()
