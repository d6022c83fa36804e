// The pre-tokenizer of every known tokenizer.ggml.pre value, written from the pre_tokenizer
// section of each model family's Hugging Face tokenizer.json. Patterns are PCRE2 with non-ASCII
// characters spelled as \x{...}.
#include <array>

#include "tokenizer/pretokenizer.h"

namespace tessera::tokenizer {

namespace {

using Kind = PreTokenizerStep::Kind;

// GPT-2's ByteLevel regex (also GPT-NeoX, MPT, OLMo, StarCoder after its digit split).
constexpr std::string_view kGpt2 =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// tiktoken cl100k_base as used by Llama 3, DBRX, Smaug, ChatGLM-4: digits in groups of three.
constexpr std::string_view kLlama3 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// Qwen2: like Llama 3 but every digit alone.
constexpr std::string_view kQwen2 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// o200k_base (GPT-4o, Llama 4, MiniMax-M2): case-aware words with an optional contraction.
constexpr std::string_view kGpt4o =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// Mistral Tekken.
constexpr std::string_view kTekken =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+)"
    R"(|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*)"
    R"(|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// Hugging Face Digits(individual_digits=true).
constexpr std::string_view kEachDigit = R"(\p{N})";
constexpr std::string_view kDigitRuns = R"(\p{N}+)";

// Falcon: Punctuation(contiguous) uses Rust's ASCII punctuation plus Unicode P*.
constexpr std::string_view kFalconPunctuation = R"([\p{P}$+<=>^~|`]+)";
constexpr std::string_view kThreeAsciiDigits = R"([0-9][0-9][0-9])";

// DeepSeek LLM: Latin/Greek/Cyrillic/... cased letters, ASCII and full-width punctuation, CJK.
constexpr std::string_view kDeepseekLetters =
    R"(\s?[A-Za-z\x{B5}\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{1BA}\x{1BC}-\x{1BF}\x{1C4}-\x{293})"
    R"(\x{295}-\x{2AF}\x{370}-\x{373}\x{376}\x{377}\x{37B}-\x{37D}\x{37F}\x{386}\x{388}-\x{38A})"
    R"(\x{38C}\x{38E}-\x{3A1}\x{3A3}-\x{3F5}\x{3F7}-\x{481}\x{48A}-\x{52F}\x{531}-\x{556})"
    R"(\x{10A0}-\x{10C5}\x{13A0}-\x{13F5}\x{13F8}-\x{13FD}\x{1C90}-\x{1CBA}\x{1CBD}-\x{1CBF})"
    R"(\x{1D00}-\x{1D2B}\x{1D6B}-\x{1D77}\x{1D79}-\x{1D9A}\x{1E00}-\x{1F15}\x{1F18}-\x{1F1D})"
    R"(\x{1F20}-\x{1F45}\x{1F48}-\x{1F4D}\x{1F50}-\x{1F57}\x{1F59}\x{1F5B}\x{1F5D})"
    R"(\x{1F5F}-\x{1F7D}\x{1F80}-\x{1FB4}\x{1FB6}-\x{1FBC}\x{1FBE}\x{1FC2}-\x{1FC4})"
    R"(\x{1FC6}-\x{1FCC}\x{1FD0}-\x{1FD3}\x{1FD6}-\x{1FDB}\x{1FE0}-\x{1FEC}\x{1FF2}-\x{1FF4})"
    R"(\x{1FF6}-\x{1FFC}\x{2102}\x{2107}\x{210A}-\x{2113}\x{2115}\x{2119}-\x{211D}\x{2124})"
    R"(\x{2126}\x{2128}\x{212A}-\x{212D}\x{212F}-\x{2134}\x{2139}\x{213C}-\x{213F})"
    R"(\x{2145}-\x{2149}\x{214E}\x{2183}\x{2184}\x{2C00}-\x{2C7B}\x{2C7E}-\x{2CE4})"
    R"(\x{2CEB}-\x{2CEE}\x{2CF2}\x{2CF3}\x{A640}-\x{A66D}\x{A680}-\x{A69B}\x{A722}-\x{A76F})"
    R"(\x{A771}-\x{A787}\x{A78B}-\x{A78E}\x{AB70}-\x{ABBF}\x{FB00}-\x{FB06}\x{FB13}-\x{FB17})"
    R"(\x{FF21}-\x{FF3A}\x{FF41}-\x{FF5A}\x{10400}-\x{1044F}\x{104B0}-\x{104D3}\x{104D8}-\x{104FB})"
    R"(\x{10C80}-\x{10CB2}\x{10CC0}-\x{10CF2}\x{118A0}-\x{118DF}\x{1E900}-\x{1E943}]+)";
constexpr std::string_view kDeepseekPunctuation =
    R"(\s?[!-/:-~\x{FF01}-\x{FF0F}\x{FF1A}-\x{FF5E}\x{2018}-\x{201F}\x{3000}-\x{3002}]+)";
constexpr std::string_view kDeepseekCjk = R"([\x{4E00}-\x{9FA5}\x{800}-\x{4E00}\x{AC00}-\x{D7FF}]+)";
constexpr std::string_view kDeepseekV3Cjk = R"([\x{4E00}-\x{9FA5}\x{3040}-\x{309F}\x{30A0}-\x{30FF}]+)";
constexpr std::string_view kDeepseekV3Words =
    R"([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+)"
    R"(| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// BLOOM / Poro / GPT-3 Finnish: words with their leading space, punctuation separate.
constexpr std::string_view kBloom = R"( ?[^(\s|.,!?\x{2026}\x{3002}\x{FF0C}\x{3001}\x{964}\x{6D4}\x{60C})]+)";

constexpr std::string_view kBailingMoe =
    R"('(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+)";
constexpr std::string_view kSeedCoder =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1}| ?[^\s\p{L}\p{N}\r\n]+|\s*[\r\n]+|\s+(?!\S)|\s+)";

NormalizerStep nfc() { return {NormalizerStep::Kind::kUnicode, NormalizationForm::kNfc, {}, {}}; }

PreTokenizerStep split(std::string_view pattern) { return {Kind::kSplit, std::string(pattern)}; }
PreTokenizerStep byte_level() { return {Kind::kByteLevel, {}}; }

PreTokenizerSpec make(std::string_view name, std::vector<PreTokenizerStep> steps) {
  PreTokenizerSpec spec;
  spec.name = std::string(name);
  spec.steps = std::move(steps);
  return spec;
}

struct NamedSpec {
  std::string_view name;
  PreTokenizerSpec (*build)();
};

PreTokenizerSpec gpt2() { return make("gpt-2", {split(kGpt2), byte_level()}); }
PreTokenizerSpec gpt_neox() {
  PreTokenizerSpec spec = make("mpt", {split(kGpt2), byte_level()});
  spec.normalizers = {nfc()};
  return spec;
}
PreTokenizerSpec llama3() {
  PreTokenizerSpec spec = make("llama3", {split(kLlama3), byte_level()});
  spec.ignore_merges = true;
  return spec;
}
PreTokenizerSpec cl100k() { return make("dbrx", {split(kLlama3), byte_level()}); }
PreTokenizerSpec qwen2() {
  PreTokenizerSpec spec = make("qwen2", {split(kQwen2), byte_level()});
  spec.normalizers = {nfc()};
  return spec;
}
PreTokenizerSpec stablelm2() { return make("stablelm2", {split(kQwen2), byte_level()}); }
PreTokenizerSpec starcoder() {
  return make("starcoder", {split(kEachDigit), split(kGpt2), byte_level()});
}
PreTokenizerSpec command_r() {
  PreTokenizerSpec spec = make("command-r", {split(kEachDigit), split(kGpt2), byte_level()});
  spec.normalizers = {nfc()};
  return spec;
}
PreTokenizerSpec falcon() {
  // HF: Punctuation, ByteLevel(use_regex), Digits(individual=false), Split([0-9]{3}); the last
  // two run on the byte-level text.
  return make("falcon", {split(kFalconPunctuation), split(kGpt2), byte_level(), split(kDigitRuns),
                         split(kThreeAsciiDigits)});
}
PreTokenizerSpec deepseek_llm() {
  return make("deepseek-llm", {split("[\\r\\n]"), split(kDeepseekLetters), split(kDeepseekPunctuation),
                               split("\\s+$"), split(kDeepseekCjk), split(kDigitRuns), byte_level()});
}
PreTokenizerSpec deepseek_coder() {
  return make("deepseek-coder", {split("[\\r\\n]"), split("\\s?\\p{L}+"), split("\\s?\\p{P}+"),
                                 split(kDeepseekCjk), split(kEachDigit), byte_level()});
}
PreTokenizerSpec deepseek_v3() {
  return make("deepseek-v3",
              {split("\\p{N}{1,3}"), split(kDeepseekV3Cjk), split(kDeepseekV3Words), byte_level()});
}
PreTokenizerSpec gpt4o() { return make("gpt-4o", {split(kGpt4o), byte_level()}); }
PreTokenizerSpec tekken() {
  PreTokenizerSpec spec = make("tekken", {split(kTekken), byte_level()});
  spec.ignore_merges = true;
  return spec;
}
PreTokenizerSpec bloom() { return make("bloom", {split(kBloom), byte_level()}); }
PreTokenizerSpec viking() { return make("viking", {split(kBloom), split(kEachDigit), byte_level()}); }
PreTokenizerSpec chameleon() {
  return make("chameleon", {split("<sentinel:[0-9]+>"), split("(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z"),
                            split("([\\t\\n]|    |  )"), split(kEachDigit),
                            split("[\\p{P}!-/:-@\\[-`{-~]"), split(kGpt2), byte_level()});
}
PreTokenizerSpec superbpe() {
  return make("superbpe", {split(kDigitRuns), split("(?=(\\d{3})+(?!\\d))"), byte_level()});
}
PreTokenizerSpec bailingmoe() { return make("bailingmoe", {split(kBailingMoe), byte_level()}); }
PreTokenizerSpec seed_coder() { return make("seed-coder", {split(kSeedCoder), byte_level()}); }

constexpr std::array kNamedSpecs = {
    NamedSpec{"default", gpt2},         NamedSpec{"gpt-2", gpt2},
    NamedSpec{"gpt2", gpt2},            NamedSpec{"phi-2", gpt2},
    NamedSpec{"jina-es", gpt2},         NamedSpec{"jina-de", gpt2},
    NamedSpec{"jina-v1-en", gpt2},      NamedSpec{"jina-v2-es", gpt2},
    NamedSpec{"jina-v2-de", gpt2},      NamedSpec{"jina-v2-code", gpt2},
    NamedSpec{"roberta-bpe", gpt2},     NamedSpec{"gigachat", gpt2},
    NamedSpec{"a.x-4.0", gpt2},         NamedSpec{"mellum", gpt2},
    NamedSpec{"olmo", gpt2},            NamedSpec{"jais", gpt2},
    NamedSpec{"exaone4", gpt2},         NamedSpec{"trillion", gpt2},
    NamedSpec{"granite-docling", gpt2}, NamedSpec{"mpt", gpt_neox},
    NamedSpec{"gpt-neox", gpt_neox},    NamedSpec{"llama3", llama3},
    NamedSpec{"llama-v3", llama3},      NamedSpec{"llama-bpe", llama3},
    NamedSpec{"falcon3", llama3},       NamedSpec{"falcon-h1", llama3},
    NamedSpec{"pixtral", llama3},       NamedSpec{"midm-2.0", llama3},
    NamedSpec{"lfm2", llama3},          NamedSpec{"dbrx", cl100k},
    NamedSpec{"smaug-bpe", cl100k},     NamedSpec{"chatglm-bpe", cl100k},
    NamedSpec{"glm4", cl100k},          NamedSpec{"qwen2", qwen2},
    NamedSpec{"deepseek-r1-qwen", qwen2}, NamedSpec{"megrez", qwen2},
    NamedSpec{"kormo", qwen2},          NamedSpec{"hunyuan", qwen2},
    NamedSpec{"grok-2", qwen2},         NamedSpec{"stablelm2", stablelm2},
    NamedSpec{"starcoder", starcoder},  NamedSpec{"refact", starcoder},
    NamedSpec{"smollm", starcoder},     NamedSpec{"codeshell", starcoder},
    NamedSpec{"exaone", starcoder},     NamedSpec{"minerva-7b", starcoder},
    NamedSpec{"command-r", command_r},  NamedSpec{"falcon", falcon},
    NamedSpec{"deepseek-llm", deepseek_llm}, NamedSpec{"deepseek-coder", deepseek_coder},
    NamedSpec{"deepseek-v3", deepseek_v3}, NamedSpec{"hunyuan-dense", deepseek_v3},
    NamedSpec{"gpt-4o", gpt4o},         NamedSpec{"llama4", gpt4o},
    NamedSpec{"minimax-m2", gpt4o},     NamedSpec{"tekken", tekken},
    NamedSpec{"poro-chat", bloom},      NamedSpec{"bloom", bloom},
    NamedSpec{"gpt3-finnish", bloom},   NamedSpec{"viking", viking},
    NamedSpec{"chameleon", chameleon},  NamedSpec{"superbpe", superbpe},
    NamedSpec{"bailingmoe", bailingmoe}, NamedSpec{"bailingmoe2", bailingmoe},
    NamedSpec{"llada-moe", bailingmoe}, NamedSpec{"seed-coder", seed_coder},
};

}  // namespace

std::optional<PreTokenizerSpec> find_pre_tokenizer_spec(std::string_view pre_name) {
  for (const NamedSpec& named : kNamedSpecs) {
    if (named.name == pre_name) {
      PreTokenizerSpec spec = named.build();
      spec.name = std::string(pre_name);
      return spec;
    }
  }
  return std::nullopt;
}

PreTokenizerSpec default_pre_tokenizer_spec() { return gpt2(); }

std::vector<std::string_view> known_pre_tokenizer_names() {
  std::vector<std::string_view> names;
  names.reserve(kNamedSpecs.size());
  for (const NamedSpec& named : kNamedSpecs) names.push_back(named.name);
  return names;
}

}  // namespace tessera::tokenizer
