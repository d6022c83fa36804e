#!/usr/bin/env python3
"""Renders every chat template in ../shared/data/templates over conversations.json with Python jinja2,
configured as Hugging Face transformers configures it, and writes one fixture per template.

Templates come from templates/*.jinja, templates/more/*.jinja, the chat_template of
templates/openbmb-MiniCPM3-4B/tokenizer_config.json, and every entry of templates/ollama/index.json.
That index maps Hugging Face chat templates (all Jinja) to ollama template names; ollama's own Go
templates are not part of the data, so nothing written in Go's template language is rendered here.

Usage: python3 generate_template_goldens.py [SHARED_DATA_DIR]
Needs Jinja2 (3.1.6 was used). The fixtures hold only the renders, never the templates themselves.
"""
import datetime
import glob
import json
import os
import sys

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED_NOW = datetime.datetime(2026, 1, 15, 0, 0, 0)

# Tokens the top-level templates are rendered with (the models' usual special tokens).
TOP_LEVEL_TOKENS = [
    ("meta-llama", {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}),
    ("NousResearch-Hermes-2", {"bos_token": "<|begin_of_text|>", "eos_token": "<|im_end|>"}),
    ("NousResearch-Hermes-3", {"bos_token": "<|begin_of_text|>", "eos_token": "<|im_end|>"}),
    ("fireworks", {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}),
    ("meetkai", {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}),
    ("deepseek-ai-DeepSeek-R1-Distill-Llama", {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"}),
    ("deepseek", {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"}),
    ("llama-cpp-deepseek", {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"}),
    ("Qwen", {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"}),
    ("HuggingFaceTB", {"eos_token": "<|im_end|>", "pad_token": "<|im_end|>"}),
    ("mistralai", {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}),
    ("Mistral", {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}),
    ("unsloth-mistral", {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}),
    ("google", {"bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>"}),
    ("CohereForAI", {"bos_token": "<BOS_TOKEN>", "eos_token": "<|END_OF_TURN_TOKEN|>"}),
    ("microsoft", {"bos_token": "<s>", "eos_token": "<|endoftext|>"}),
    ("ibm-granite", {"bos_token": "<|end_of_text|>", "eos_token": "<|end_of_text|>"}),
    ("openai", {"bos_token": "<|startoftext|>", "eos_token": "<|return|>"}),
    ("GLM", {"eos_token": "<|endoftext|>"}),
    ("moonshotai", {"bos_token": "[BOS]", "eos_token": "[EOS]"}),
    ("NVIDIA", {"bos_token": "<SPECIAL_10>", "eos_token": "<SPECIAL_12>"}),
    ("ByteDance", {"bos_token": "<seed:bos>", "eos_token": "<seed:eos>"}),
]

OLLAMA_TOKENS = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}


class GenerationTag(Extension):
    """{% generation %}...{% endgeneration %} renders its body unchanged, as transformers' AssistantTracker."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_generation_support"), [], [], body).set_lineno(lineno)

    def _generation_support(self, caller):
        return caller()


def make_environment():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return FIXED_NOW.strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[GenerationTag, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def list_templates(data_dir):
    """(name, relative path, special tokens) for every template; `file.json#N` names entry N of a JSON list."""
    root = os.path.join(data_dir, "templates")
    special = json.load(open(os.path.join(root, "more", "special_tokens.json"), encoding="utf-8"))
    result = []
    for path in sorted(glob.glob(os.path.join(root, "*.jinja"))):
        name = os.path.basename(path)[: -len(".jinja")]
        tokens = next((t for prefix, t in TOP_LEVEL_TOKENS if name.startswith(prefix)), {})
        result.append((name, os.path.relpath(path, root), tokens))
    for path in sorted(glob.glob(os.path.join(root, "more", "*.jinja"))):
        name = os.path.basename(path)[: -len(".jinja")]
        result.append(("more/" + name, os.path.relpath(path, root), special.get(name, {})))
    config = json.load(open(os.path.join(root, "openbmb-MiniCPM3-4B", "tokenizer_config.json"), encoding="utf-8"))
    tokens = {k: config[k] for k in ("bos_token", "eos_token", "pad_token", "unk_token") if isinstance(config.get(k), str)}
    result.append(("openbmb-MiniCPM3-4B/tokenizer_config", "openbmb-MiniCPM3-4B/tokenizer_config.json", tokens))
    entries = json.load(open(os.path.join(root, "ollama", "index.json"), encoding="utf-8"))
    for number, entry in enumerate(entries):
        # The index records no model, so no special tokens of its own: use the common Llama/Mistral ones.
        name = f"ollama/{number:02d}-{entry['name']}"
        result.append((name, f"ollama/index.json#{number}", OLLAMA_TOKENS))
    return result


def read_template(data_dir, relative):
    """The source of a template; `file.json#N` is the template of entry N of a JSON list."""
    if "#" in relative:
        relative, number = relative.split("#")
        entries = json.load(open(os.path.join(data_dir, "templates", relative), encoding="utf-8"))
        return entries[int(number)]["template"]
    path = os.path.join(data_dir, "templates", relative)
    if relative.endswith(".json"):
        return json.load(open(path, encoding="utf-8"))["chat_template"]
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def build_context(conversation, tools, tokens):
    """The variables transformers' apply_chat_template passes to render()."""
    context = dict(tokens)
    context["messages"] = conversation["messages"]
    context["tools"] = tools[conversation["tools"]] if "tools" in conversation else None
    context["documents"] = conversation.get("documents")
    context["add_generation_prompt"] = conversation["add_generation_prompt"]
    if "enable_thinking" in conversation:
        context["enable_thinking"] = conversation["enable_thinking"]
    return context


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "..", "shared", "data")
    conversations = json.load(open(os.path.join(HERE, "conversations.json"), encoding="utf-8"))
    tools = json.load(open(os.path.join(HERE, "tools.json"), encoding="utf-8"))
    env = make_environment()
    index = []
    for name, relative, tokens in list_templates(data_dir):
        source = read_template(data_dir, relative)
        cases = []
        try:
            template = env.from_string(source)
            compile_error = None
        except jinja2.exceptions.TemplateError as error:
            template, compile_error = None, f"{type(error).__name__}: {error}"
        for conversation in conversations:
            case = {"conversation": conversation["id"]}
            if compile_error is not None:
                case["error"] = compile_error
            else:
                try:
                    case["output"] = template.render(**build_context(conversation, tools, tokens))
                except Exception as error:  # any exception jinja2 lets through counts as a render failure
                    case["error"] = f"{type(error).__name__}: {error}"
            cases.append(case)
        fixture = {"template": relative, "special_tokens": tokens, "now": FIXED_NOW.strftime("%Y-%m-%d"), "cases": cases}
        file_name = name.replace("/", "__") + ".json"
        with open(os.path.join(HERE, "renders", file_name), "w", encoding="utf-8") as f:
            json.dump(fixture, f, ensure_ascii=False, indent=1)
            f.write("\n")
        index.append(file_name)
        failures = sum(1 for c in cases if "error" in c)
        print(f"{name}: {len(cases) - failures} rendered, {failures} errors")
    with open(os.path.join(HERE, "renders", "index.json"), "w", encoding="utf-8") as f:
        json.dump(index, f, indent=1)
        f.write("\n")
    render_snippets(env)


def render_snippets(env):
    """Small templates exercising one feature each (snippets.json) rendered over one shared context."""
    spec = json.load(open(os.path.join(HERE, "snippets.json"), encoding="utf-8"))
    results = []
    for source in spec["cases"]:
        case = {"template": source}
        try:
            case["output"] = env.from_string(source).render(**spec["context"])
        except Exception as error:  # syntax errors, runtime errors and sandbox refusals alike
            case["error"] = f"{type(error).__name__}: {error}"
        results.append(case)
    with open(os.path.join(HERE, "renders", "snippets.json"), "w", encoding="utf-8") as f:
        json.dump({"now": FIXED_NOW.strftime("%Y-%m-%d"), "cases": results}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"snippets: {sum('output' in c for c in results)} rendered, {sum('error' in c for c in results)} errors")


if __name__ == "__main__":
    main()
