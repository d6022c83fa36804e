#!/usr/bin/env python3
"""Writes op_fixtures.json: small fixed cases of every op computed with NumPy in float64.

The C++ references in src/ops are checked against these (tests/unit/ops/test_op_references.cpp).
Needs only numpy. Regenerate with:  python3 tests/golden/ops/generate_op_fixtures.py
"""
import json
import math
import os

import numpy as np

rng = np.random.default_rng(20240601)
cases = []


def f32(shape, low=-2.0, high=2.0):
    return rng.uniform(low, high, size=shape).astype(np.float32)


def tensor(array, dtype="F32"):
    array = np.asarray(array)
    if dtype == "I32":
        return {"dtype": "I32", "shape": list(array.shape), "data": [int(v) for v in array.reshape(-1)]}
    if dtype == "F16":
        bits = array.astype(np.float16).view(np.uint16)
        return {"dtype": "F16", "shape": list(array.shape), "hex": bits.astype("<u2").tobytes().hex()}
    return {"dtype": "F32", "shape": list(array.shape), "data": [float(v) for v in array.astype(np.float32).reshape(-1)]}


def add_case(name, op, inputs, output, params=None, initial_output=None):
    case = {"name": name, "op": op, "inputs": inputs, "output": tensor(output), "params": params or {}}
    if initial_output is not None:
        case["initial_output"] = initial_output
    cases.append(case)


def d(array):
    return np.asarray(array, dtype=np.float64)


# ---- Row-wise ops -------------------------------------------------------------------------------
a, b = f32((3, 5)), f32((5,))
add_case("add broadcast", "add", [tensor(a), tensor(b)], d(a) + d(b))
a, b = f32((2, 3, 4)), f32((3, 4))
add_case("mul broadcast", "mul", [tensor(a), tensor(b)], d(a) * d(b))
a = f32((4, 7))
add_case("scale", "scale", [tensor(a)], d(a) * np.float64(np.float32(-0.75)), {"scale": -0.75})
x = f32((3, 9), -8, 8)
add_case("silu", "silu", [tensor(x)], d(x) / (1 + np.exp(-d(x))))
add_case("gelu", "gelu", [tensor(x)],
         0.5 * d(x) * (1 + np.tanh(math.sqrt(2 / math.pi) * (d(x) + 0.044715 * d(x) ** 3))))
g, u = f32((2, 11), -6, 6), f32((2, 11))
add_case("swiglu", "swiglu", [tensor(g), tensor(u)], d(g) / (1 + np.exp(-d(g))) * d(u))
x = f32((3, 10), -10, 10)
scaled = d(x) * np.float64(np.float32(0.3))
e = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
add_case("softmax", "softmax", [tensor(x)], e / e.sum(axis=-1, keepdims=True), {"scale": 0.3})
x, w = f32((4, 16)), f32((16,), 0.5, 1.5)
eps = np.float64(np.float32(1e-5))
add_case("rms_norm weighted", "rms_norm", [tensor(x), tensor(w)],
         d(x) / np.sqrt((d(x) ** 2).mean(axis=-1, keepdims=True) + eps) * d(w), {"epsilon": 1e-5})
add_case("rms_norm", "rms_norm", [tensor(x)], d(x) / np.sqrt((d(x) ** 2).mean(axis=-1, keepdims=True) + eps),
         {"epsilon": 1e-5})


# ---- Rope ---------------------------------------------------------------------------------------
def rope(x, positions, n_rot, base, scale, mode, factors=None):
    out = d(x).copy()
    half = n_rot // 2
    i = np.arange(half, dtype=np.float64)
    inv = float(np.float32(scale)) * float(np.float32(base)) ** (-2.0 * i / n_rot)
    if factors is not None:
        inv = inv / d(factors)
    for t, pos in enumerate(positions):
        theta = pos * inv
        c, s = np.cos(theta), np.sin(theta)
        if mode == "normal":
            first, second = 2 * np.arange(half), 2 * np.arange(half) + 1
        else:
            first, second = np.arange(half), np.arange(half) + half
        x0, x1 = d(x)[t, :, first].T, d(x)[t, :, second].T  # [n_head, half]
        out[t][:, first] = x0 * c - x1 * s
        out[t][:, second] = x0 * s + x1 * c
    return out


positions = np.array([0, 3, 77], dtype=np.int32)
x = f32((3, 2, 12), -1, 1)
for mode, n_rot, factors, scale in [("normal", 12, None, 1.0), ("neox", 12, None, 1.0), ("normal", 8, None, 0.5),
                                    ("neox", 8, f32((4,), 1, 4), 1.0)]:
    params = {"mode": mode, "n_rot": n_rot, "freq_base": 10000.0, "freq_scale": scale}
    if factors is not None:
        params["freq_factors"] = [float(v) for v in factors]
    add_case(f"rope {mode} n_rot={n_rot}{' factors' if factors is not None else ''} scale={scale}", "rope",
             [tensor(x), tensor(positions, "I32")], rope(x, positions, n_rot, 10000.0, scale, mode, factors), params)


# ---- Rows and matmul (F32, F16, Q8_0, Q4_0 weights built directly as blocks) ---------------------
def q8_0_blocks(rows, n):
    """Random Q8_0 rows: bytes and their float64 values."""
    data, values = bytearray(), np.zeros((rows, n))
    for r in range(rows):
        for blk in range(n // 32):
            scale = np.float16(rng.uniform(0.001, 0.05))
            q = rng.integers(-127, 128, size=32).astype(np.int8)
            data += scale.tobytes() + q.tobytes()
            values[r, blk * 32:(blk + 1) * 32] = float(scale) * q.astype(np.float64)
    return bytes(data), values


def q4_0_blocks(rows, n):
    data, values = bytearray(), np.zeros((rows, n))
    for r in range(rows):
        for blk in range(n // 32):
            scale = np.float16(rng.uniform(0.001, 0.2))
            q = rng.integers(0, 16, size=32).astype(np.uint8)
            packed = (q[:16] | (q[16:] << 4)).astype(np.uint8)
            data += scale.tobytes() + packed.tobytes()
            values[r, blk * 32:(blk + 1) * 32] = float(scale) * (q.astype(np.float64) - 8)
    return bytes(data), values


w = f32((5, 9))
ids = np.array([4, 0, 4], dtype=np.int32)
add_case("get_rows F32", "get_rows", [tensor(w), tensor(ids, "I32")], d(w)[ids])
w16 = f32((4, 6)).astype(np.float16)
add_case("get_rows F16", "get_rows", [tensor(w16, "F16"), tensor(np.array([3, 1], np.int32), "I32")],
         w16.astype(np.float64)[[3, 1]])
raw, values = q8_0_blocks(3, 64)
add_case("get_rows Q8_0", "get_rows", [{"dtype": "Q8_0", "shape": [3, 64], "hex": raw.hex()},
                                        tensor(np.array([2, 0], np.int32), "I32")], values[[2, 0]])

table = f32((6, 5)).astype(np.float16)
rows = f32((2, 5))
expected = table.astype(np.float64).copy()
expected[[5, 1]] = rows.astype(np.float16).astype(np.float64)
case_table = tensor(table, "F16")
add_case("set_rows F16", "set_rows", [tensor(rows), tensor(np.array([5, 1], np.int32), "I32")], expected,
         initial_output=case_table)
cases[-1]["output_dtype"] = "F16"

x, w = f32((3, 10)), f32((4, 10))
add_case("matmul F32", "matmul", [tensor(w), tensor(x)], d(x) @ d(w).T)
w16 = f32((5, 8)).astype(np.float16)
x = f32((2, 8))
add_case("matmul F16", "matmul", [tensor(w16, "F16"), tensor(x)], d(x) @ w16.astype(np.float64).T)
raw, values = q8_0_blocks(3, 64)
x = f32((2, 64))
add_case("matmul Q8_0", "matmul", [{"dtype": "Q8_0", "shape": [3, 64], "hex": raw.hex()}, tensor(x)], d(x) @ values.T)
raw, values = q4_0_blocks(4, 96)
x = f32((1, 96))
add_case("matmul Q4_0", "matmul", [{"dtype": "Q4_0", "shape": [4, 96], "hex": raw.hex()}, tensor(x)], d(x) @ values.T)


# ---- Attention over a paged cache (2 sequences, GQA 2, F32 and F16 caches) -----------------------
def attention(q, k, v, block_table, token_seq, token_pos, scale):
    n_tokens, n_head, head_dim = q.shape
    block_size, n_kv = k.shape[1], k.shape[2]
    out = np.zeros(q.shape)
    for t in range(n_tokens):
        seq, pos = token_seq[t], token_pos[t]
        slots = [(block_table[seq][p // block_size], p % block_size) for p in range(pos + 1)]
        for h in range(n_head):
            kv = h // (n_head // n_kv)
            keys = np.array([d(k)[blk, slot, kv] for blk, slot in slots])
            vals = np.array([d(v)[blk, slot, kv] for blk, slot in slots])
            query = d(q)[t, h]
            half = k.dtype == np.float16
            if half:  # an F16 cache computes with the query and the probabilities in F16
                query = query.astype(np.float32).astype(np.float16).astype(np.float64)
            s = keys @ query * scale
            p = np.exp(s - s.max())
            p = p / p.sum()
            if half:
                p = p.astype(np.float32).astype(np.float16).astype(np.float64)
            out[t, h] = p @ vals
    return out


for cache in ["F32", "F16"]:
    n_blocks, block_size, n_kv, head_dim, n_head = 5, 4, 1, 8, 2
    k, v = f32((n_blocks, block_size, n_kv, head_dim), -1, 1), f32((n_blocks, block_size, n_kv, head_dim), -1, 1)
    if cache == "F16":
        k, v = k.astype(np.float16), v.astype(np.float16)
    block_table = np.array([[3, 0, 4], [1, -1, -1]], dtype=np.int32)
    token_seq = np.array([0, 1, 1, 0], dtype=np.int32)
    token_pos = np.array([9, 0, 2, 4], dtype=np.int32)
    q = f32((4, n_head, head_dim))
    scale = float(np.float32(1 / math.sqrt(head_dim)))
    add_case(f"attention {cache} cache", "attention",
             [tensor(q), tensor(k, cache), tensor(v, cache), tensor(block_table, "I32"), tensor(token_seq, "I32"),
              tensor(token_pos, "I32")],
             attention(q, k, v, block_table, token_seq, token_pos, scale), {"scale": scale})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "op_fixtures.json")
with open(path, "w") as out:
    json.dump({"generator": "tests/golden/ops/generate_op_fixtures.py", "numpy": np.__version__, "cases": cases}, out,
              indent=1)
print(f"wrote {len(cases)} cases to {path}")
