// Pre-tokenization for byte-level BPE: the text is cut into pieces by a sequence of regex splits
// (each split keeps both the matches and the text between them, like Hugging Face's
// Split(behavior="Isolated")), mapped to the byte-level alphabet, and each piece is then merged
// separately. Splits listed after the byte-level step see the mapped text, as in HF pipelines
// such as Falcon's (ByteLevel followed by Digits).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "tokenizer/regex.h"
#include "tokenizer/utf8.h"

namespace tessera::tokenizer {

struct PreTokenizerStep {
  enum class Kind { kSplit, kByteLevel };
  Kind kind = Kind::kSplit;
  std::string pattern;  // kSplit only
};

// Text rewrites applied before splitting, in order (Hugging Face normalizers).
struct NormalizerStep {
  enum class Kind { kUnicode, kLowercase, kPrepend, kReplace };
  Kind kind = Kind::kUnicode;
  NormalizationForm form = NormalizationForm::kNfc;  // kUnicode
  std::string from;                                  // kReplace
  std::string to;                                    // kPrepend, kReplace
};

// Applies the steps to text (invalid UTF-8 bytes pass through unchanged).
std::string apply_normalizers(std::span<const NormalizerStep> steps, std::string_view text);

struct PreTokenizerSpec {
  std::string name;
  std::vector<NormalizerStep> normalizers;  // NFC for Qwen2, for example
  std::vector<PreTokenizerStep> steps;
  bool ignore_merges = false;  // a piece that is itself a token is emitted whole (Llama 3)
};

// The spec for a GGUF tokenizer.ggml.pre value; nullopt when the name is unknown.
std::optional<PreTokenizerSpec> find_pre_tokenizer_spec(std::string_view pre_name);
// The GPT-2 spec, used for missing or unknown names.
PreTokenizerSpec default_pre_tokenizer_spec();
// Every name find_pre_tokenizer_spec knows (for tests and `tessera info`).
std::vector<std::string_view> known_pre_tokenizer_names();

class PreTokenizer {
 public:
  // Compiles the patterns. `byte_level` appends the byte-level mapping when the spec has none.
  static Result<PreTokenizer> create(const PreTokenizerSpec& spec, bool byte_level);

  // Normalizes and splits text; pieces are in the byte-level alphabet when byte_level().
  std::vector<std::string> split(std::string_view text) const;
  bool ignore_merges() const { return ignore_merges_; }
  bool byte_level() const { return byte_level_; }

 private:
  struct CompiledStep {
    PreTokenizerStep::Kind kind;
    std::optional<Regex> regex;
  };
  std::vector<NormalizerStep> normalizers_;
  std::vector<CompiledStep> steps_;
  bool ignore_merges_ = false;
  bool byte_level_ = false;
};

}  // namespace tessera::tokenizer
