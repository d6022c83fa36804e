// Tokenizer: text <-> token ids for a model. Built from a GGUF file's tokenizer.ggml.* metadata
// (SentencePiece-style "llama", byte-level BPE "gpt2", WordPiece "bert") or from Hugging Face
// files (vocab.json + merges.txt, tokenizer.json). Encoding matches llama.cpp's llama_tokenize
// and HF tokenizers; decoding is byte-exact so that decode(encode(x)) == x for byte-level BPE.
//
// Thread safety: a Tokenizer is immutable after construction; all const methods may be called
// concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/error.h"
#include "tokenizer/model.h"
#include "tokenizer/special_tokens.h"
#include "tokenizer/vocabulary.h"

namespace tessera::gguf {
class File;
}

namespace tessera::tokenizer {

// A piece of text and whether special-token text inside it becomes special tokens. Chat
// templates pass their own markup with parse_special = true and user content with false, so a
// user cannot inject "<|im_end|>".
struct TextSegment {
  std::string text;
  bool parse_special = false;
};

// A token added on top of a vocab.json (HF added_tokens).
struct AddedToken {
  std::int32_t id = kNoToken;
  std::string text;
  bool special = true;  // control token; false: user-defined (always matched, printed as text)
};

class Tokenizer {
 public:
  static Result<std::unique_ptr<Tokenizer>> from_gguf(const gguf::File& file);
  // A byte-level BPE from HF vocab.json and merges.txt; pre_name is a tokenizer.ggml.pre value
  // ("qwen2", "llama3", "gpt-2"...) naming the pre-tokenizer.
  static Result<std::unique_ptr<Tokenizer>> from_bpe_files(const std::string& vocab_json_path,
                                                           const std::string& merges_txt_path,
                                                           std::string_view pre_name,
                                                           std::span<const AddedToken> added_tokens = {});
  // An HF tokenizer.json with a BPE model (byte-level or byte-fallback).
  static Result<std::unique_ptr<Tokenizer>> from_tokenizer_json(const std::string& path);

  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;
  ~Tokenizer();

  // add_special: BOS (and EOS/SEP) as the model's metadata asks. parse_special: special-token
  // text in `text` becomes those tokens; otherwise it is tokenized as plain text.
  std::vector<std::int32_t> encode(std::string_view text, bool add_special, bool parse_special) const;
  // Equivalent to encoding the concatenated segments, with special tokens recognised only in
  // segments that allow it.
  std::vector<std::int32_t> encode_segments(std::span<const TextSegment> segments, bool add_special) const;

  // The bytes of the ids. Control tokens appear only with render_special. May contain invalid
  // UTF-8 when ids end inside a character; use StreamDecoder when decoding token by token.
  std::string decode(std::span<const std::int32_t> ids, bool render_special = false) const;
  // The raw bytes of one token (possibly a partial UTF-8 character); "" for unknown ids.
  std::string token_to_piece(std::int32_t id, bool render_special) const;

  ModelKind model_kind() const { return model_->kind(); }
  std::int32_t vocab_size() const { return vocabulary_.size(); }
  bool contains(std::int32_t id) const { return vocabulary_.contains(id); }
  // Token text as stored in the vocabulary ("Ġhello", "▁hello"); "" for unknown ids.
  std::string_view token_text(std::int32_t id) const;
  TokenType token_type(std::int32_t id) const;
  float token_score(std::int32_t id) const;
  // The id of a token with exactly this text, or kNoToken.
  std::int32_t find_token(std::string_view text) const { return vocabulary_.find(text); }

  std::int32_t bos_id() const { return vocabulary_.special().bos; }
  std::int32_t eos_id() const { return vocabulary_.special().eos; }
  std::int32_t eot_id() const { return vocabulary_.special().eot; }
  std::int32_t eom_id() const { return vocabulary_.special().eom; }
  std::int32_t unknown_id() const { return vocabulary_.special().unknown; }
  std::int32_t separator_id() const { return vocabulary_.special().separator; }
  std::int32_t padding_id() const { return vocabulary_.special().padding; }
  std::int32_t mask_id() const { return vocabulary_.special().mask; }
  bool add_bos() const { return options_.add_bos; }
  bool add_eos() const { return options_.add_eos; }
  bool add_separator() const { return options_.add_separator; }
  // Whether generation stops at this token: eos, eot, eom, <|im_end|>, <|eot_id|>...
  bool is_end_of_generation(std::int32_t id) const { return vocabulary_.end_of_generation().count(id) != 0; }
  const std::unordered_set<std::int32_t>& end_of_generation_ids() const { return vocabulary_.end_of_generation(); }
  bool is_control(std::int32_t id) const { return token_type(id) == TokenType::kControl; }

  // For loaders: assembles a tokenizer. make_model builds the model over the tokenizer's own
  // copy of the vocabulary (models keep a reference to it).
  struct Options {
    bool add_bos = false;
    bool add_eos = false;
    bool add_separator = false;
  };
  using ModelFactory = std::function<Result<std::unique_ptr<TokenizerModel>>(const Vocabulary&)>;
  static Result<std::unique_ptr<Tokenizer>> build(Vocabulary vocabulary, Options options,
                                                  const ModelFactory& make_model);

 private:
  Tokenizer(Vocabulary vocabulary, Options options);
  static Result<std::unique_ptr<Tokenizer>> tokenizer_from_json_file(const std::string& path);

  const Vocabulary vocabulary_;
  const Options options_;
  std::unique_ptr<TokenizerModel> model_;
  std::unique_ptr<SpecialTokenMatcher> special_tokens_;
};

}  // namespace tessera::tokenizer
