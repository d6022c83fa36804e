#!/usr/bin/env python3
"""Writes the GGUF reader fixtures with the reference Python writer (PyPI `gguf`) and checks the
file written by Tessera's writer with the reference Python reader.

    pip install gguf numpy
    python3 tests/golden/formats/generate_gguf_fixtures.py            # regenerate + check
    python3 tests/golden/formats/generate_gguf_fixtures.py --check-only [FILE.gguf ...]

fixtures.json describes every fixture: metadata in file order (key, GGUF type name, value; arrays
as {"element_type", "elements"}, recursively) and tensors (name, type, shape outermost first, and
`seed`: the data bytes are pattern_bytes(seed, size)). The C++ tests read the Python-written files
and compare every key, value and tensor with it; they also rebuild `tessera_v2_align16.gguf` from
its description with gguf::Writer and compare bytes. This script checks that committed
Tessera-written file (and any file given on the command line, matched by name, or by a `tessera_`
prefix stripped) with gguf.GGUFReader.
"""
import json
import sys
from pathlib import Path

import numpy as np
import gguf
from gguf import GGUFValueType as VT, GGMLQuantizationType as QT

HERE = Path(__file__).resolve().parent

TYPE_NAMES = {
    VT.UINT8: "u8", VT.INT8: "i8", VT.UINT16: "u16", VT.INT16: "i16", VT.UINT32: "u32", VT.INT32: "i32",
    VT.FLOAT32: "f32", VT.BOOL: "bool", VT.STRING: "str", VT.ARRAY: "arr", VT.UINT64: "u64", VT.INT64: "i64",
    VT.FLOAT64: "f64",
}
TYPES_BY_NAME = {name: vtype for vtype, name in TYPE_NAMES.items()}
NUMPY_TENSOR_TYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I8": np.int8, "I16": np.int16,
                      "I32": np.int32, "I64": np.int64}


def pattern_bytes(seed: int, size: int) -> bytes:
    """Deterministic tensor bytes, reproduced by the C++ test."""
    return bytes(((index * 131 + seed * 17 + 7) & 0xFF) for index in range(size))


def f32(value: float) -> float:
    """The double a float32 holds, so JSON carries the exact value."""
    return float(np.float32(value))


def tensor_bytes(qtype: str, shape: list[int]) -> int:
    block_size, type_size = gguf.GGML_QUANT_SIZES[QT[qtype]]
    count = int(np.prod(shape))
    assert shape[-1] % block_size == 0
    return count // block_size * type_size


def scalar(type_name, value):
    return {"type": type_name, "value": value}


def array(element_type, elements):
    """elements: plain values, or (for nested arrays) array() results."""
    return {"type": "arr", "value": {"element_type": element_type,
                                     "elements": [e["value"] if isinstance(e, dict) else e for e in elements]}}


def python_all_types():
    metadata = [
        ("general.architecture", scalar("str", "llama")),
        ("test.u8", scalar("u8", 255)), ("test.i8", scalar("i8", -128)),
        ("test.u16", scalar("u16", 65535)), ("test.i16", scalar("i16", -32768)),
        ("test.u32", scalar("u32", 4294967295)), ("test.i32", scalar("i32", -2147483648)),
        ("test.u64", scalar("u64", 18446744073709551615)), ("test.i64", scalar("i64", -9223372036854775808)),
        ("test.f32", scalar("f32", f32(3.14159))), ("test.f32_negative", scalar("f32", f32(-1e-30))),
        ("test.f64", scalar("f64", 2.718281828459045)), ("test.f64_large", scalar("f64", -1.5e300)),
        ("test.bool_true", scalar("bool", True)), ("test.bool_false", scalar("bool", False)),
        ("test.string", scalar("str", "hello, GGUF")), ("test.string_empty", scalar("str", "")),
        ("test.string_utf8", scalar("str", "héllo wörld ✓ 日本語 \U0001F600")),
        ("test.string_nul", scalar("str", "a\u0000b")),
        ("test.array_u8", array("u8", [0, 1, 127, 255])), ("test.array_i8", array("i8", [-128, 0, 127])),
        ("test.array_u16", array("u16", [0, 65535])), ("test.array_i16", array("i16", [-32768, 32767])),
        ("test.array_u32", array("u32", [0, 4294967295, 7])), ("test.array_i32", array("i32", [-1, 0, 1, 2147483647])),
        ("test.array_u64", array("u64", [18446744073709551615, 0])),
        ("test.array_i64", array("i64", [-9223372036854775808, 9223372036854775807])),
        ("test.array_f32", array("f32", [f32(0.5), f32(-2.25), f32(1e10)])),
        ("test.array_f64", array("f64", [0.1, -0.2, 1e-300])),
        ("test.array_bool", array("bool", [True, False, True])),
        ("test.array_string", array("str", ["a", "", "ünïcödé", "<s>"])),
        ("test.nested_i32", array("arr", [array("i32", [1, 2, 3]), array("i32", [4]), array("i32", [5, 6])])),
        ("test.nested_string", array("arr", [array("str", ["x", "y"]), array("str", ["z"])])),
        ("test.nested_three_levels", array("arr", [array("arr", [array("f32", [f32(1.5)]), array("f32", [f32(2.5), f32(3.5)])]),
                                                  array("arr", [array("bool", [True])])])),
    ]
    tensors = [
        {"name": "token_embd.weight", "type": "F32", "shape": [8, 16], "seed": 1},
        {"name": "blk.0.attn_norm.weight", "type": "F16", "shape": [16], "seed": 2},
        {"name": "blk.0.three_d", "type": "F32", "shape": [2, 3, 4], "seed": 3},
        {"name": "blk.0.four_d", "type": "F16", "shape": [2, 1, 3, 2], "seed": 4},
        {"name": "ints.i8", "type": "I8", "shape": [5], "seed": 5},
        {"name": "ints.i16", "type": "I16", "shape": [3, 3], "seed": 6},
        {"name": "ints.i32", "type": "I32", "shape": [7], "seed": 7},
        {"name": "ints.i64", "type": "I64", "shape": [2, 2], "seed": 8},
        {"name": "floats.f64", "type": "F64", "shape": [3], "seed": 9},
        {"name": "floats.bf16", "type": "BF16", "shape": [4, 6], "seed": 10},
    ]
    return {"file": "python_all_types.gguf", "writer": "python", "version": 3, "alignment": 32,
            "metadata": metadata, "tensors": tensors}


def python_quantized():
    metadata = [
        ("general.architecture", scalar("str", "llama")),
        ("general.alignment", scalar("u32", 64)),
        ("general.name", scalar("str", "quantized fixture")),
    ]
    tensors = [
        {"name": "q8_0", "type": "Q8_0", "shape": [2, 64], "seed": 11},
        {"name": "q4_0", "type": "Q4_0", "shape": [3, 32], "seed": 12},
        {"name": "q4_1", "type": "Q4_1", "shape": [1, 96], "seed": 13},
        {"name": "q4_k", "type": "Q4_K", "shape": [2, 256], "seed": 14},
        {"name": "q5_k", "type": "Q5_K", "shape": [1, 256], "seed": 15},
        {"name": "q6_k", "type": "Q6_K", "shape": [1, 512], "seed": 16},
        {"name": "f32.tail", "type": "F32", "shape": [3], "seed": 17},
    ]
    return {"file": "python_quantized_align64.gguf", "writer": "python", "version": 3, "alignment": 64,
            "metadata": metadata, "tensors": tensors}


def tessera_v2():
    """Written by gguf::Writer (see the C++ test); types the Python writer cannot nest."""
    metadata = [
        ("general.architecture", scalar("str", "test")),
        ("general.alignment", scalar("u32", 16)),
        ("test.u8", scalar("u8", 200)), ("test.i8", scalar("i8", -5)), ("test.u16", scalar("u16", 1000)),
        ("test.i16", scalar("i16", -1000)), ("test.u32", scalar("u32", 123456789)),
        ("test.i32", scalar("i32", -123456789)), ("test.u64", scalar("u64", 18446744073709551614)),
        ("test.i64", scalar("i64", -9223372036854775807)), ("test.f32", scalar("f32", f32(0.1))),
        ("test.f64", scalar("f64", 0.1)), ("test.bool", scalar("bool", True)),
        ("test.string", scalar("str", "tessera ✓")),
        ("test.empty_array", array("i32", [])),
        ("test.nested_u64", array("arr", [array("u64", [1, 18446744073709551615]), array("u64", [])])),
        ("test.nested_i16", array("arr", [array("arr", [array("i16", [-3, 3])])])),
        ("test.array_string", array("str", ["<unk>", "<s>", "</s>", "▁the"])),
    ]
    tensors = [
        {"name": "weight.f32", "type": "F32", "shape": [3, 5], "seed": 21},
        {"name": "weight.q8_0", "type": "Q8_0", "shape": [2, 32], "seed": 22},
        {"name": "weight.f16", "type": "F16", "shape": [7], "seed": 23},
    ]
    return {"file": "tessera_v2_align16.gguf", "writer": "tessera", "version": 2, "alignment": 16,
            "metadata": metadata, "tensors": tensors}


def write_with_python(spec):
    writer = gguf.GGUFWriter(HERE / spec["file"], spec["metadata"][0][1]["value"])
    for key, entry in spec["metadata"][1:]:
        vtype = TYPES_BY_NAME[entry["type"]]
        if key == "general.alignment":
            writer.add_custom_alignment(entry["value"])
        elif vtype == VT.ARRAY:
            writer.add_key_value(key, to_python_array(entry["value"]), vtype,
                                 sub_type=TYPES_BY_NAME[entry["value"]["element_type"]])
        else:
            writer.add_key_value(key, entry["value"], vtype)
    for tensor in spec["tensors"]:
        data = pattern_bytes(tensor["seed"], tensor_bytes(tensor["type"], tensor["shape"]))
        if tensor["type"] in NUMPY_TENSOR_TYPES:
            array_ = np.frombuffer(data, dtype=NUMPY_TENSOR_TYPES[tensor["type"]]).reshape(tensor["shape"])
            writer.add_tensor(tensor["name"], array_)
        else:
            qtype = QT[tensor["type"]]
            block_size, type_size = gguf.GGML_QUANT_SIZES[qtype]
            byte_shape = tensor["shape"][:-1] + [tensor["shape"][-1] // block_size * type_size]
            writer.add_tensor(tensor["name"], np.frombuffer(data, dtype=np.uint8).reshape(byte_shape), raw_dtype=qtype)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def to_python_array(value):
    """Nested description → nested Python lists (inner arrays take their type from the values)."""
    if value["element_type"] == "arr":
        return [to_python_array(element) for element in value["elements"]]
    return list(value["elements"])


def leaves(value):
    if value["element_type"] == "arr":
        return [leaf for element in value["elements"] for leaf in leaves(element)]
    return list(value["elements"])


def decode_leaf(part, type_name):
    if type_name == "str":
        return bytes(part).decode("utf-8")
    item = part.tolist()[0]
    return bool(item) if type_name == "bool" else item


def innermost_type(value):
    return innermost_type(value["elements"][0]) if value["element_type"] == "arr" and value["elements"] else value["element_type"]


def check_file(path: Path, spec) -> None:
    reader = gguf.GGUFReader(path)
    version = int(reader.fields["GGUF.version"].parts[0][0])
    assert version == spec["version"], (path, version)
    fields = [field for name, field in reader.fields.items() if not name.startswith("GGUF.")]
    assert [field.name for field in fields] == [key for key, _ in spec["metadata"]], path
    for field, (key, entry) in zip(fields, spec["metadata"]):
        type_name = TYPE_NAMES[field.types[0]]
        assert type_name == entry["type"], (key, type_name, entry["type"])
        if type_name == "arr":
            expected = leaves(entry["value"])
            leaf_type = innermost_type(entry["value"])
            got = [decode_leaf(field.parts[index], leaf_type) for index in field.data]
            assert got == expected, (key, got, expected)
            element_type = TYPE_NAMES[VT(int(field.parts[3][0]))]
            assert element_type == entry["value"]["element_type"], (key, element_type)
        else:
            got = decode_leaf(field.parts[field.data[0]], type_name)
            assert got == entry["value"], (key, got, entry["value"])
    assert reader.alignment == spec["alignment"], (path, reader.alignment)
    assert [tensor.name for tensor in reader.tensors] == [tensor["name"] for tensor in spec["tensors"]], path
    for tensor, expected in zip(reader.tensors, spec["tensors"]):
        assert tensor.tensor_type.name == expected["type"], (tensor.name, tensor.tensor_type.name)
        assert list(reversed(tensor.shape.tolist())) == expected["shape"], (tensor.name, tensor.shape)
        size = tensor_bytes(expected["type"], expected["shape"])
        assert int(tensor.n_bytes) == size, tensor.name
        raw = reader.data[tensor.data_offset:tensor.data_offset + size].tobytes()
        assert raw == pattern_bytes(expected["seed"], size), tensor.name
    print(f"checked with gguf.GGUFReader: {path.name}: {len(fields)} keys, {len(reader.tensors)} tensors")


def to_json(spec):
    return {**spec, "metadata": [{"key": key, **entry} for key, entry in spec["metadata"]]}


def main(argv):
    specs = [python_all_types(), python_quantized(), tessera_v2()]
    by_name = {spec["file"]: spec for spec in specs}
    if "--check-only" not in argv:
        for spec in specs:
            if spec["writer"] == "python":
                write_with_python(spec)
        with open(HERE / "fixtures.json", "w", encoding="utf-8") as out:
            json.dump({"fixtures": [to_json(spec) for spec in specs]}, out, indent=1, ensure_ascii=False)
            out.write("\n")
    for spec in specs:
        path = HERE / spec["file"]
        if path.exists():
            check_file(path, spec)
        else:
            print(f"not present yet (written by the C++ test): {path.name}")
    for extra in (Path(arg) for arg in argv if not arg.startswith("--")):
        name = extra.name
        spec = by_name.get(name) or by_name.get(name.removeprefix("tessera_"))
        assert spec is not None, f"no description for {name}"
        check_file(extra, spec)
    total = sum((HERE / spec["file"]).stat().st_size for spec in specs if (HERE / spec["file"]).exists())
    print(f"fixture bytes: {total}")


if __name__ == "__main__":
    main(sys.argv[1:])
