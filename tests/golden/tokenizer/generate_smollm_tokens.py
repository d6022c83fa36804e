#!/usr/bin/env python3
"""Expected token ids for tests/unit/tokenizer/test_smollm_golden.cpp, from Hugging Face `tokenizers`.

SmolLM2's tokenizer is rebuilt from the vocabulary, merges and token types stored in the GGUF
(so the oracle sees exactly the vocabulary Tessera loads): a byte-level BPE with the StarCoder
pre-tokenizer (individual digits, then GPT-2's ByteLevel regex), control tokens as special added
tokens. Each string is encoded twice: with special tokens recognised (Tessera's
parse_special=true) and with special-token text treated as plain text (parse_special=false).

With --minicpm3 the same strings are also encoded with the HF tokenizer.json of MiniCPM3-4B
(a byte-fallback BPE) for Tokenizer::from_tokenizer_json.

Usage (from the repository root):
  pip install tokenizers gguf
  python3 tests/golden/tokenizer/generate_smollm_tokens.py \
      --gguf models/SmolLM2-135M-Instruct.Q4_1.gguf \
      --minicpm3 ../shared/data/tokenizers/openbmb-MiniCPM3-4B/tokenizer.json
"""

import argparse
import json
import pathlib

import gguf
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

HERE = pathlib.Path(__file__).resolve().parent

STRINGS = [
    "",
    " ",
    "Hello world",
    " Hello world",
    "Hello, world! How are you today?",
    "The year 2024 had 366 days; pi is 3.14159.",
    "I've been 'told he's there, 'RE you sure? 'M not sure I'll make it",
    "    indented code\n\tand a tab\r\nwindows line",
    "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
    "Café déjà vu — naïve façade",
    "Привет, мир! Как дела?",
    "你好，世界。今天天气很好。",
    "こんにちは世界",
    "안녕하세요 세계",
    "مرحبا بالعالم",
    "🚀 (normal) 😶‍🌫️ (multiple emojis concatenated) ✅",
    "ied 4 ½ months",
    "3333333 33 1,000,000 ١٢٣",
    "  multiple   spaces   here  ",
    "\n\n\n",
    "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n",
    "text with <|endoftext|> inside and <|im_end",
    "<reponame>tessera<filename>main.cpp",
    "!!!!!!??????......''''''```````\"\"\"\"",
    "e\u0301 combining accent vs é",
    "x" * 300,
]


def smollm_tokenizer(gguf_path):
    reader = gguf.GGUFReader(gguf_path)

    def strings(key):
        field = reader.fields[key]
        return [bytes(field.parts[index]).decode("utf-8") for index in field.data]

    tokens = strings("tokenizer.ggml.tokens")
    merges = strings("tokenizer.ggml.merges")
    type_field = reader.fields["tokenizer.ggml.token_type"]
    types = [int(type_field.parts[index][0]) for index in type_field.data]
    assert reader.fields["tokenizer.ggml.pre"].contents() == "smollm"

    vocab = {text: index for index, text in enumerate(tokens)}
    pairs = [tuple(merge.split(" ", 1)) for merge in merges]
    tokenizer = Tokenizer(models.BPE(vocab, pairs))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    control = [AddedToken(text, special=True, normalized=False)
               for text, token_type in zip(tokens, types) if token_type == 3]
    tokenizer.add_special_tokens(control)
    return tokenizer


def encode_all(tokenizer):
    cases = []
    for text in STRINGS:
        tokenizer.encode_special_tokens = False
        with_special = tokenizer.encode(text, add_special_tokens=False).ids
        tokenizer.encode_special_tokens = True
        as_text = tokenizer.encode(text, add_special_tokens=False).ids
        tokenizer.encode_special_tokens = False
        cases.append({"text": text, "ids_parse_special": with_special, "ids_plain": as_text})
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gguf", default="models/SmolLM2-135M-Instruct.Q4_1.gguf")
    parser.add_argument("--minicpm3", default=None, help="path to MiniCPM3-4B tokenizer.json")
    args = parser.parse_args()

    fixture = {"source": "HF tokenizers on the SmolLM2-135M-Instruct GGUF vocabulary",
               "cases": encode_all(smollm_tokenizer(args.gguf))}
    (HERE / "smollm2_tokens.json").write_text(json.dumps(fixture, ensure_ascii=False, indent=1) + "\n")

    if args.minicpm3:
        tokenizer = Tokenizer.from_file(args.minicpm3)
        fixture = {"source": "HF tokenizers on openbmb/MiniCPM3-4B tokenizer.json", "cases": encode_all(tokenizer)}
        (HERE / "minicpm3_tokens.json").write_text(json.dumps(fixture, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
