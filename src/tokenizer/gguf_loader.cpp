// Tokenizer::from_gguf: reads tokenizer.ggml.* metadata. The metadata is untrusted: array lengths,
// token types, merges and special-token ids are all checked, and errors name the key.
#include <limits>

#include "base/log.h"
#include "formats/gguf_reader.h"
#include "tokenizer/bpe.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/spm.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/wordpiece.h"

namespace tessera::tokenizer {

namespace {

constexpr std::string_view kModelKey = "tokenizer.ggml.model";
constexpr std::string_view kPreKey = "tokenizer.ggml.pre";
constexpr std::string_view kTokensKey = "tokenizer.ggml.tokens";
constexpr std::string_view kScoresKey = "tokenizer.ggml.scores";
constexpr std::string_view kTypesKey = "tokenizer.ggml.token_type";
constexpr std::string_view kMergesKey = "tokenizer.ggml.merges";

Result<std::vector<std::string>> read_string_array(const gguf::File& file, std::string_view key) {
  TESSERA_ASSIGN_OR_RETURN(const gguf::Value* array, file.get_array(key, gguf::ValueType::kString));
  std::vector<std::string> strings;
  strings.reserve(array->elements.size());
  for (const gguf::Value& element : array->elements) strings.push_back(element.string_value);
  return strings;
}

// A numeric array that must have one entry per token; absent keys give an empty vector.
Result<std::vector<double>> read_per_token_numbers(const gguf::File& file, std::string_view key,
                                                   std::size_t token_count) {
  const gguf::Value* value = file.find(key);
  if (value == nullptr) return std::vector<double>{};
  if (value->type != gguf::ValueType::kArray ||
      !(gguf::is_integer_type(value->element_type) || gguf::is_float_type(value->element_type))) {
    return make_error(ErrorCode::kInvalidFormat, "{}: metadata '{}' must be a numeric array",
                      file.path(), key);
  }
  if (value->elements.size() != token_count) {
    return make_error(ErrorCode::kInvalidFormat, "{}: metadata '{}' has {} entries for {} tokens",
                      file.path(), key, value->elements.size(), token_count);
  }
  std::vector<double> numbers;
  numbers.reserve(token_count);
  for (const gguf::Value& element : value->elements) numbers.push_back(element.as_double().value_or(0.0));
  return numbers;
}

Result<bool> read_optional_bool(const gguf::File& file, std::string_view key, bool fallback) {
  if (file.find(key) == nullptr) return fallback;
  return file.get_bool(key);
}

// Sets `slot` from the key when present; an id outside the vocabulary is an error, except -1 and
// 0xFFFFFFFF, which converters write to mean "no such token".
Result<void> read_special_id(const gguf::File& file, std::string_view key, std::int32_t vocab_size,
                             std::int32_t& slot) {
  if (file.find(key) == nullptr) return {};
  TESSERA_ASSIGN_OR_RETURN(std::int64_t id, file.get_int(key));
  if (id == -1 || id == 0xFFFFFFFFLL) return {};
  if (id < 0 || id >= vocab_size) {
    return make_error(ErrorCode::kOutOfRange, "{}: metadata '{}' = {} is outside the vocabulary (size {})",
                      file.path(), key, id, vocab_size);
  }
  slot = static_cast<std::int32_t>(id);
  return {};
}

// Defaults of llama.cpp for files that omit the keys, kept only when inside the vocabulary.
void set_default(std::int32_t& slot, std::int32_t id, std::int32_t vocab_size) {
  slot = id < vocab_size ? id : kNoToken;
}

}  // namespace

Result<std::unique_ptr<Tokenizer>> Tokenizer::from_gguf(const gguf::File& file) {
  TESSERA_ASSIGN_OR_RETURN(const std::string model_name, file.get_string(kModelKey));
  ModelKind kind = ModelKind::kBytePair;
  if (model_name == "llama") {
    kind = ModelKind::kSentencePiece;
  } else if (model_name == "gpt2") {
    kind = ModelKind::kBytePair;
  } else if (model_name == "bert") {
    kind = ModelKind::kWordPiece;
  } else {
    return make_error(ErrorCode::kUnsupported, "{}: {} '{}' is not supported (llama, gpt2, bert are)",
                      file.path(), kModelKey, model_name);
  }

  TESSERA_ASSIGN_OR_RETURN(std::vector<std::string> texts, read_string_array(file, kTokensKey));
  const std::size_t token_count = texts.size();
  if (token_count == 0 || token_count > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    return make_error(ErrorCode::kInvalidFormat, "{}: metadata '{}' has {} tokens", file.path(),
                      kTokensKey, token_count);
  }
  TESSERA_ASSIGN_OR_RETURN(const std::vector<double> score_values,
                           read_per_token_numbers(file, kScoresKey, token_count));
  TESSERA_ASSIGN_OR_RETURN(const std::vector<double> type_values,
                           read_per_token_numbers(file, kTypesKey, token_count));
  std::vector<float> scores(score_values.begin(), score_values.end());
  std::vector<TokenType> types;
  types.reserve(type_values.size());
  for (std::size_t id = 0; id < type_values.size(); ++id) {
    const double value = type_values[id];
    if (!(value >= 0 && value <= static_cast<double>(TokenType::kByte)) || value != static_cast<int>(value)) {
      return make_error(ErrorCode::kInvalidFormat, "{}: metadata '{}'[{}] = {} is not a token type",
                        file.path(), kTypesKey, id, value);
    }
    types.push_back(static_cast<TokenType>(static_cast<int>(value)));
  }
  TESSERA_ASSIGN_OR_RETURN(Vocabulary vocabulary,
                           Vocabulary::create(std::move(texts), std::move(scores), std::move(types),
                                              fmt::format("{}: {}", file.path(), kTokensKey)));

  // Model defaults (llama.cpp's), then the keys that override them.
  const std::int32_t vocab_size = vocabulary.size();
  SpecialTokenIds& special = vocabulary.special();
  Options options;
  bool add_space_prefix = false;
  std::string pre_name = "default";
  if (file.find(kPreKey) != nullptr) {
    TESSERA_ASSIGN_OR_RETURN(pre_name, file.get_string(kPreKey));
  }
  std::optional<PreTokenizerSpec> pre_spec;
  if (kind == ModelKind::kSentencePiece) {
    set_default(special.bos, 1, vocab_size);
    set_default(special.eos, 2, vocab_size);
    set_default(special.unknown, 0, vocab_size);
    options.add_bos = true;
    add_space_prefix = true;
  } else if (kind == ModelKind::kWordPiece) {
    set_default(special.bos, 101, vocab_size);  // [CLS]
    set_default(special.unknown, 100, vocab_size);
    set_default(special.separator, 102, vocab_size);
    set_default(special.padding, 0, vocab_size);
    set_default(special.mask, 103, vocab_size);
    options.add_bos = true;
    options.add_separator = true;
    TESSERA_TRY(read_special_id(file, "tokenizer.ggml.cls_token_id", vocab_size, special.bos));
  } else {
    pre_spec = find_pre_tokenizer_spec(pre_name);
    if (!pre_spec) {
      log(LogLevel::kWarn, "{}: unknown {} '{}', using the GPT-2 pre-tokenizer", file.path(), kPreKey,
          pre_name);
      pre_spec = default_pre_tokenizer_spec();
    }
    // Llama 3-style vocabularies start every prompt with <|begin_of_text|>.
    options.add_bos = pre_spec->ignore_merges || pre_name == "chameleon";
  }

  TESSERA_TRY(read_special_id(file, "tokenizer.ggml.bos_token_id", vocab_size, special.bos));
  TESSERA_TRY(read_special_id(file, "tokenizer.ggml.eos_token_id", vocab_size, special.eos));
  TESSERA_TRY(read_special_id(file, "tokenizer.ggml.eot_token_id", vocab_size, special.eot));
  TESSERA_TRY(read_special_id(file, "tokenizer.ggml.eom_token_id", vocab_size, special.eom));
  TESSERA_TRY(read_special_id(file, "tokenizer.ggml.unknown_token_id", vocab_size, special.unknown));
  TESSERA_TRY(read_special_id(file, "tokenizer.ggml.seperator_token_id", vocab_size, special.separator));
  TESSERA_TRY(read_special_id(file, "tokenizer.ggml.padding_token_id", vocab_size, special.padding));
  TESSERA_TRY(read_special_id(file, "tokenizer.ggml.mask_token_id", vocab_size, special.mask));
  TESSERA_ASSIGN_OR_RETURN(options.add_bos, read_optional_bool(file, "tokenizer.ggml.add_bos_token", options.add_bos));
  TESSERA_ASSIGN_OR_RETURN(options.add_eos, read_optional_bool(file, "tokenizer.ggml.add_eos_token", options.add_eos));
  TESSERA_ASSIGN_OR_RETURN(options.add_separator,
                           read_optional_bool(file, "tokenizer.ggml.add_sep_token", options.add_separator));
  TESSERA_ASSIGN_OR_RETURN(add_space_prefix,
                           read_optional_bool(file, "tokenizer.ggml.add_space_prefix", add_space_prefix));
  if (options.add_bos && special.bos == kNoToken) {
    return make_error(ErrorCode::kInvalidFormat, "{}: tokenizer.ggml.add_bos_token is set but there is no BOS token",
                      file.path());
  }
  vocabulary.detect_end_of_generation_tokens();

  std::vector<std::string> merges;
  if (kind == ModelKind::kBytePair) {
    TESSERA_ASSIGN_OR_RETURN(merges, read_string_array(file, kMergesKey));
  }
  const std::string merges_source = fmt::format("{}: {}", file.path(), kMergesKey);
  return build(std::move(vocabulary), options,
               [&](const Vocabulary& owned) -> Result<std::unique_ptr<TokenizerModel>> {
                 switch (kind) {
                   case ModelKind::kSentencePiece:
                     return std::unique_ptr<TokenizerModel>(
                         std::make_unique<SentencePieceModel>(owned, add_space_prefix));
                   case ModelKind::kWordPiece:
                     return std::unique_ptr<TokenizerModel>(std::make_unique<WordPieceModel>(owned));
                   case ModelKind::kBytePair:
                     break;
                 }
                 TESSERA_ASSIGN_OR_RETURN(PreTokenizer pre_tokenizer,
                                          PreTokenizer::create(*pre_spec, /*byte_level=*/true));
                 TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<BpeModel> model,
                                          BpeModel::create(owned, merges, std::move(pre_tokenizer),
                                                           BpeOptions{}, merges_source));
                 return std::unique_ptr<TokenizerModel>(std::move(model));
               });
}

}  // namespace tessera::tokenizer
