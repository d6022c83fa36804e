#include "tokenizer/bpe.h"

#include <fmt/format.h>

#include "tokenizer/byte_level.h"
#include "tokenizer/symbol_merge.h"
#include "tokenizer/utf8.h"

namespace tessera::tokenizer {

void find_byte_tokens(const Vocabulary& vocabulary, std::int32_t (&byte_tokens)[256]) {
  for (int byte = 0; byte < 256; ++byte) {
    byte_tokens[byte] = vocabulary.find(fmt::format("<0x{:02X}>", byte));
  }
}

int parse_byte_token(std::string_view text) {
  if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') return -1;
  int value = 0;
  for (char digit : text.substr(3, 2)) {
    value <<= 4;
    if (digit >= '0' && digit <= '9') value |= digit - '0';
    else if (digit >= 'A' && digit <= 'F') value |= digit - 'A' + 10;
    else if (digit >= 'a' && digit <= 'f') value |= digit - 'a' + 10;
    else return -1;
  }
  return value;
}

Result<std::unique_ptr<BpeModel>> BpeModel::create(const Vocabulary& vocabulary,
                                                   std::span<const std::string> merges,
                                                   PreTokenizer pre_tokenizer, BpeOptions options,
                                                   std::string_view source) {
  std::unique_ptr<BpeModel> model(new BpeModel(vocabulary, std::move(pre_tokenizer), options));
  model->merges_.reserve(merges.size());
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    const std::string& merge = merges[rank];
    // The separator is the first space after the first byte: a left side may itself be " ".
    const std::size_t separator = merge.size() > 1 ? merge.find(' ', 1) : std::string::npos;
    if (separator == std::string::npos || separator + 1 >= merge.size()) {
      return make_error(ErrorCode::kInvalidFormat, "{}[{}]: merge '{}' is not 'left right'", source,
                        rank, merge);
    }
    const std::string_view left(merge.data(), separator);
    const std::string_view right(merge.data() + separator + 1, merge.size() - separator - 1);
    const std::int32_t left_id = vocabulary.find(left);
    const std::int32_t right_id = vocabulary.find(right);
    const std::int32_t result_id = vocabulary.find(std::string(left) + std::string(right));
    if (left_id == kNoToken || right_id == kNoToken || result_id == kNoToken) {
      return make_error(ErrorCode::kInvalidFormat,
                        "{}[{}]: merge '{}' references a token that is not in the vocabulary",
                        source, rank, merge);
    }
    // Ranks beyond 2^31 cannot occur: the vocabulary (and so any sane merge list) is smaller.
    model->merges_.emplace(pair_key(left_id, right_id),
                           Merge{static_cast<std::int32_t>(rank), result_id});
  }
  find_byte_tokens(vocabulary, model->byte_tokens_);
  return model;
}

void BpeModel::encode(std::string_view text, std::vector<std::int32_t>& ids) const {
  for (const std::string& piece : pre_tokenizer_.split(text)) encode_piece(piece, ids);
}

void BpeModel::encode_piece(std::string_view piece, std::vector<std::int32_t>& ids) const {
  if (pre_tokenizer_.ignore_merges()) {
    const std::int32_t whole = vocabulary_.find(piece);
    if (whole != kNoToken) {
      ids.push_back(whole);
      return;
    }
  }

  std::vector<MergeSymbol> symbols;
  symbols.reserve(piece.size());
  for (const MergeSymbol& character : split_into_symbols(piece)) {
    const std::string_view text = piece.substr(character.offset, character.length);
    MergeSymbol symbol = character;
    symbol.id = vocabulary_.find(text);
    if (symbol.id == kNoToken && options_.byte_fallback) {
      bool all_bytes_known = true;
      for (char byte : text) all_bytes_known &= byte_tokens_[static_cast<unsigned char>(byte)] != kNoToken;
      if (all_bytes_known) {
        // One symbol per byte; they stay separate since no merge involves byte tokens.
        for (std::size_t index = 0; index < text.size(); ++index) {
          const auto position = static_cast<std::int32_t>(symbols.size());
          symbols.push_back({position - 1, position + 1, character.offset + index, 1,
                             byte_tokens_[static_cast<unsigned char>(text[index])]});
        }
        continue;
      }
    }
    const auto position = static_cast<std::int32_t>(symbols.size());
    symbol.previous = position - 1;
    symbol.next = position + 1;
    symbols.push_back(symbol);
  }
  if (symbols.empty()) return;
  symbols.back().next = -1;

  merge_symbols(symbols, [this](const MergeSymbol& left, const MergeSymbol& right)
                             -> std::optional<MergeCandidate> {
    if (left.id == kNoToken || right.id == kNoToken) return std::nullopt;
    const auto found = merges_.find(pair_key(left.id, right.id));
    if (found == merges_.end()) return std::nullopt;
    return MergeCandidate{static_cast<double>(found->second.rank), found->second.result};
  });

  for (std::int32_t index = 0; index >= 0;) {
    const MergeSymbol& symbol = symbols[static_cast<std::size_t>(index)];
    if (symbol.id != kNoToken) {
      ids.push_back(symbol.id);
    } else if (vocabulary_.special().unknown != kNoToken) {
      ids.push_back(vocabulary_.special().unknown);
    }
    index = symbol.next;
  }
}

std::string BpeModel::decode_token(std::int32_t id) const {
  const std::string& text = vocabulary_.text(id);
  if (pre_tokenizer_.byte_level()) {
    // Added tokens written in plain text are not in the byte alphabet; they decode as written.
    std::optional<std::string> bytes = from_byte_level(text);
    return bytes ? std::move(*bytes) : text;
  }
  const int byte = parse_byte_token(text);
  if (byte >= 0) return std::string(1, static_cast<char>(byte));
  return replace_all(text, kSentencePieceSpace, " ");
}

}  // namespace tessera::tokenizer
