// Tokenizers from Hugging Face files: vocab.json + merges.txt (GPT-2 style), and tokenizer.json
// with a BPE model. Files are untrusted: ids are range-checked and an unsupported pipeline
// component is reported by name rather than approximated.
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tokenizer/bpe.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/tokenizer.h"

namespace tessera::tokenizer {

namespace {

using Json = nlohmann::json;

// Vocabularies with ids far beyond their entry count would need huge tables of placeholders.
constexpr std::size_t kMaxIdGapFactor = 4;

Result<std::string> read_file(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return make_error(ErrorCode::kIo, "{}: cannot open", path);
  std::ostringstream contents;
  contents << stream.rdbuf();
  if (stream.bad()) return make_error(ErrorCode::kIo, "{}: read failed", path);
  return contents.str();
}

Result<Json> parse_json(const std::string& text, const std::string& path) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return make_error(ErrorCode::kInvalidFormat, "{}: not valid JSON", path);
  return json;
}

// Token table from a {"text": id} object plus added tokens; ids may leave gaps (unused slots).
Result<Vocabulary> vocabulary_from_json(const Json& vocab, std::span<const AddedToken> added,
                                        const std::string& source) {
  if (!vocab.is_object()) return make_error(ErrorCode::kInvalidFormat, "{}: vocab is not an object", source);
  std::int64_t max_id = -1;
  const auto check_id = [&](std::int64_t id, std::string_view text) -> Result<void> {
    if (id < 0 || id >= std::numeric_limits<std::int32_t>::max()) {
      return make_error(ErrorCode::kOutOfRange, "{}: token '{}' has id {}", source, text, id);
    }
    max_id = std::max(max_id, id);
    return {};
  };
  for (const auto& [text, id] : vocab.items()) {
    if (!id.is_number_integer()) return make_error(ErrorCode::kInvalidFormat, "{}: token '{}' has no integer id", source, text);
    TESSERA_TRY(check_id(id.get<std::int64_t>(), text));
  }
  for (const AddedToken& token : added) TESSERA_TRY(check_id(token.id, token.text));
  const auto size = static_cast<std::size_t>(max_id + 1);
  if (size > kMaxIdGapFactor * (vocab.size() + added.size()) + 1024) {
    return make_error(ErrorCode::kInvalidFormat, "{}: ids reach {} for only {} tokens", source, max_id,
                      vocab.size() + added.size());
  }

  std::vector<std::string> texts(size);
  std::vector<TokenType> types(size, TokenType::kUnused);
  for (const auto& [text, id] : vocab.items()) {
    const auto index = id.get<std::size_t>();
    texts[index] = text;
    types[index] = TokenType::kNormal;
  }
  for (const AddedToken& token : added) {
    const auto index = static_cast<std::size_t>(token.id);
    texts[index] = token.text;
    types[index] = token.special ? TokenType::kControl : TokenType::kUserDefined;
  }
  return Vocabulary::create(std::move(texts), {}, std::move(types), source);
}

// Special ids an HF tokenizer does not declare in tokenizer.json, found by their usual texts.
void guess_special_ids(Vocabulary& vocabulary) {
  const auto first_of = [&](std::initializer_list<std::string_view> texts) {
    for (std::string_view text : texts) {
      const std::int32_t id = vocabulary.find(text);
      if (id != kNoToken) return id;
    }
    return kNoToken;
  };
  SpecialTokenIds& special = vocabulary.special();
  if (special.bos == kNoToken) {
    special.bos = first_of({"<|begin_of_text|>", "<s>", "<|startoftext|>", "<bos>",
                            "<\xEF\xBD\x9C" "begin\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>"});
  }
  if (special.eos == kNoToken) {
    special.eos = first_of({"<|endoftext|>", "</s>", "<|end_of_text|>", "<eos>",
                            "<\xEF\xBD\x9C" "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>"});
  }
  vocabulary.detect_end_of_generation_tokens();
}

Result<std::vector<std::string>> merges_from_json(const Json& merges, const std::string& source) {
  std::vector<std::string> lines;
  if (merges.is_null()) return lines;
  if (!merges.is_array()) return make_error(ErrorCode::kInvalidFormat, "{}: merges is not an array", source);
  lines.reserve(merges.size());
  for (const Json& merge : merges) {
    if (merge.is_string()) {
      lines.push_back(merge.get<std::string>());
    } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
      lines.push_back(merge[0].get<std::string>() + " " + merge[1].get<std::string>());
    } else {
      return make_error(ErrorCode::kInvalidFormat, "{}: merge {} is neither 'a b' nor [a, b]", source,
                        lines.size());
    }
  }
  return lines;
}

std::string string_field(const Json& object, const char* key, std::string fallback = {}) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::move(fallback);
}

bool bool_field(const Json& object, const char* key, bool fallback) {
  const auto found = object.find(key);
  return found != object.end() && found->is_boolean() ? found->get<bool>() : fallback;
}

Result<void> add_normalizer(const Json& normalizer, PreTokenizerSpec& spec, const std::string& source) {
  if (normalizer.is_null()) return {};
  const std::string type = string_field(normalizer, "type");
  using Kind = NormalizerStep::Kind;
  if (type == "Sequence") {
    for (const Json& step : normalizer.value("normalizers", Json::array())) {
      TESSERA_TRY(add_normalizer(step, spec, source));
    }
  } else if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD") {
    const NormalizationForm form = type == "NFC" ? NormalizationForm::kNfc
                                   : type == "NFD" ? NormalizationForm::kNfd
                                   : type == "NFKC" ? NormalizationForm::kNfkc
                                                    : NormalizationForm::kNfkd;
    spec.normalizers.push_back({Kind::kUnicode, form, {}, {}});
  } else if (type == "Lowercase") {
    spec.normalizers.push_back({Kind::kLowercase, {}, {}, {}});
  } else if (type == "Prepend") {
    spec.normalizers.push_back({Kind::kPrepend, {}, {}, string_field(normalizer, "prepend")});
  } else if (type == "Replace" && normalizer.contains("pattern") && normalizer["pattern"].contains("String")) {
    spec.normalizers.push_back({Kind::kReplace, {}, normalizer["pattern"]["String"].get<std::string>(),
                                string_field(normalizer, "content")});
  } else {
    return make_error(ErrorCode::kUnsupported, "{}: normalizer '{}' is not supported", source, type);
  }
  return {};
}

constexpr std::string_view kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

Result<void> add_pre_tokenizer(const Json& pre_tokenizer, PreTokenizerSpec& spec, const std::string& source) {
  if (pre_tokenizer.is_null()) return {};
  const std::string type = string_field(pre_tokenizer, "type");
  using Kind = PreTokenizerStep::Kind;
  if (type == "Sequence") {
    for (const Json& step : pre_tokenizer.value("pretokenizers", Json::array())) {
      TESSERA_TRY(add_pre_tokenizer(step, spec, source));
    }
  } else if (type == "ByteLevel") {
    if (bool_field(pre_tokenizer, "add_prefix_space", false)) {
      return make_error(ErrorCode::kUnsupported, "{}: ByteLevel add_prefix_space is not supported", source);
    }
    if (bool_field(pre_tokenizer, "use_regex", true)) spec.steps.push_back({Kind::kSplit, std::string(kGpt2Pattern)});
    spec.steps.push_back({Kind::kByteLevel, {}});
  } else if (type == "Split") {
    const Json& pattern = pre_tokenizer.value("pattern", Json::object());
    const std::string behavior = string_field(pre_tokenizer, "behavior");
    if (behavior != "Isolated" || bool_field(pre_tokenizer, "invert", false)) {
      return make_error(ErrorCode::kUnsupported, "{}: Split behavior '{}' is not supported", source, behavior);
    }
    if (pattern.contains("Regex") && pattern["Regex"].is_string()) {
      spec.steps.push_back({Kind::kSplit, pattern["Regex"].get<std::string>()});
    } else if (pattern.contains("String") && pattern["String"].is_string()) {
      spec.steps.push_back({Kind::kSplit, "\\Q" + pattern["String"].get<std::string>() + "\\E"});
    } else {
      return make_error(ErrorCode::kInvalidFormat, "{}: Split has no pattern", source);
    }
  } else if (type == "Digits") {
    spec.steps.push_back({Kind::kSplit, bool_field(pre_tokenizer, "individual_digits", false) ? "\\p{N}" : "\\p{N}+"});
  } else if (type == "Punctuation") {
    const bool contiguous = string_field(pre_tokenizer, "behavior", "Isolated") == "Contiguous";
    spec.steps.push_back({Kind::kSplit, contiguous ? "[\\p{P}$+<=>^~|`]+" : "[\\p{P}$+<=>^~|`]"});
  } else {
    return make_error(ErrorCode::kUnsupported, "{}: pre-tokenizer '{}' is not supported", source, type);
  }
  return {};
}

// Whether the decoder strips one leading space (SentencePiece-style: Strip{start: 1}).
bool decoder_strips_leading_space(const Json& decoder) {
  if (decoder.is_null()) return false;
  const std::string type = string_field(decoder, "type");
  if (type == "Strip") return decoder.value("start", 0) > 0;
  if (type == "Metaspace") return true;
  if (type == "Sequence") {
    for (const Json& step : decoder.value("decoders", Json::array())) {
      if (decoder_strips_leading_space(step)) return true;
    }
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<Tokenizer>> Tokenizer::from_bpe_files(const std::string& vocab_json_path,
                                                             const std::string& merges_txt_path,
                                                             std::string_view pre_name,
                                                             std::span<const AddedToken> added_tokens) {
  std::optional<PreTokenizerSpec> spec = find_pre_tokenizer_spec(pre_name);
  if (!spec) return make_error(ErrorCode::kNotFound, "unknown pre-tokenizer '{}'", pre_name);

  TESSERA_ASSIGN_OR_RETURN(const std::string vocab_text, read_file(vocab_json_path));
  TESSERA_ASSIGN_OR_RETURN(const Json vocab, parse_json(vocab_text, vocab_json_path));
  TESSERA_ASSIGN_OR_RETURN(Vocabulary vocabulary, vocabulary_from_json(vocab, added_tokens, vocab_json_path));
  guess_special_ids(vocabulary);

  TESSERA_ASSIGN_OR_RETURN(const std::string merges_text, read_file(merges_txt_path));
  std::vector<std::string> merges;
  std::istringstream lines(merges_text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (merges.empty() && line.rfind("#version", 0) == 0)) continue;
    merges.push_back(std::move(line));
  }

  Options options;
  options.add_bos = spec->ignore_merges && vocabulary.special().bos != kNoToken;
  return build(std::move(vocabulary), options,
               [&](const Vocabulary& owned) -> Result<std::unique_ptr<TokenizerModel>> {
                 TESSERA_ASSIGN_OR_RETURN(PreTokenizer pre_tokenizer, PreTokenizer::create(*spec, true));
                 TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<BpeModel> model,
                                          BpeModel::create(owned, merges, std::move(pre_tokenizer), {},
                                                           merges_txt_path));
                 return std::unique_ptr<TokenizerModel>(std::move(model));
               });
}

Result<std::unique_ptr<Tokenizer>> Tokenizer::from_tokenizer_json(const std::string& path) {
  // Field types are checked where they are read; a wrongly typed value deeper inside a component
  // surfaces as a JSON exception, reported here as a format error.
  try {
    return tokenizer_from_json_file(path);
  } catch (const nlohmann::json::exception& exception) {
    return make_error(ErrorCode::kInvalidFormat, "{}: {}", path, exception.what());
  }
}

Result<std::unique_ptr<Tokenizer>> Tokenizer::tokenizer_from_json_file(const std::string& path) {
  TESSERA_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  TESSERA_ASSIGN_OR_RETURN(const Json root, parse_json(text, path));
  if (!root.is_object() || !root.contains("model") || !root["model"].is_object()) {
    return make_error(ErrorCode::kInvalidFormat, "{}: no model object", path);
  }
  const Json& model = root["model"];
  const std::string model_type = string_field(model, "type", "BPE");
  if (model_type != "BPE") {
    return make_error(ErrorCode::kUnsupported, "{}: model type '{}' is not supported (BPE is)", path, model_type);
  }

  std::vector<AddedToken> added;
  for (const Json& token : root.value("added_tokens", Json::array())) {
    if (!token.is_object() || !token.contains("id") || !token["id"].is_number_integer() ||
        !token.contains("content") || !token["content"].is_string()) {
      return make_error(ErrorCode::kInvalidFormat, "{}: malformed entry in added_tokens", path);
    }
    const auto id = token["id"].get<std::int64_t>();
    if (id < 0 || id >= std::numeric_limits<std::int32_t>::max()) {
      return make_error(ErrorCode::kOutOfRange, "{}: added token id {} is out of range", path, id);
    }
    added.push_back({static_cast<std::int32_t>(id), token["content"].get<std::string>(),
                     bool_field(token, "special", true)});
  }
  TESSERA_ASSIGN_OR_RETURN(Vocabulary vocabulary,
                           vocabulary_from_json(model.value("vocab", Json::object()), added, path));
  const std::string unknown_text = string_field(model, "unk_token");
  if (!unknown_text.empty()) vocabulary.special().unknown = vocabulary.find(unknown_text);
  guess_special_ids(vocabulary);
  TESSERA_ASSIGN_OR_RETURN(const std::vector<std::string> merges,
                           merges_from_json(model.value("merges", Json::array()), path));

  PreTokenizerSpec spec;
  spec.name = "tokenizer.json";
  spec.ignore_merges = bool_field(model, "ignore_merges", false);
  TESSERA_TRY(add_normalizer(root.value("normalizer", Json()), spec, path));
  TESSERA_TRY(add_pre_tokenizer(root.value("pre_tokenizer", Json()), spec, path));

  BpeOptions bpe_options;
  bpe_options.byte_fallback = bool_field(model, "byte_fallback", false);
  bpe_options.strip_leading_space = decoder_strips_leading_space(root.value("decoder", Json()));

  // BOS comes from the post-processor template: a special token before the sequence.
  Options options;
  const Json& post_processor = root.value("post_processor", Json());
  if (post_processor.is_object() && post_processor.contains("single") && post_processor["single"].is_array() &&
      !post_processor["single"].empty()) {
    const Json& first = post_processor["single"][0];
    if (first.contains("SpecialToken") && first["SpecialToken"].contains("id")) {
      const std::int32_t bos = vocabulary.find(string_field(first["SpecialToken"], "id"));
      if (bos != kNoToken) {
        vocabulary.special().bos = bos;
        options.add_bos = true;
      }
    }
  }

  return build(std::move(vocabulary), options,
               [&](const Vocabulary& owned) -> Result<std::unique_ptr<TokenizerModel>> {
                 TESSERA_ASSIGN_OR_RETURN(PreTokenizer pre_tokenizer, PreTokenizer::create(spec, false));
                 TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<BpeModel> model,
                                          BpeModel::create(owned, merges, std::move(pre_tokenizer), bpe_options,
                                                           path + ": merges"));
                 return std::unique_ptr<TokenizerModel>(std::move(model));
               });
}

}  // namespace tessera::tokenizer
