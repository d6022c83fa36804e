#include "tokenizer/spm.h"

#include "tokenizer/bpe.h"
#include "tokenizer/symbol_merge.h"
#include "tokenizer/utf8.h"

namespace tessera::tokenizer {

SentencePieceModel::SentencePieceModel(const Vocabulary& vocabulary, bool add_space_prefix)
    : vocabulary_(vocabulary), add_space_prefix_(add_space_prefix) {
  find_byte_tokens(vocabulary, byte_tokens_);
}

void SentencePieceModel::encode(std::string_view text, std::vector<std::int32_t>& ids) const {
  if (text.empty()) return;
  std::string escaped;
  escaped.reserve(text.size() + 3);
  if (add_space_prefix_) escaped.append(kSentencePieceSpace);
  escaped.append(replace_all(text, " ", kSentencePieceSpace));

  std::vector<MergeSymbol> symbols = split_into_symbols(escaped);
  for (MergeSymbol& symbol : symbols) {
    symbol.id = vocabulary_.find(std::string_view(escaped).substr(symbol.offset, symbol.length));
  }
  merge_symbols(symbols, [&](const MergeSymbol& left, const MergeSymbol& right)
                             -> std::optional<MergeCandidate> {
    const std::int32_t merged =
        vocabulary_.find(std::string_view(escaped).substr(left.offset, left.length + right.length));
    if (merged == kNoToken) return std::nullopt;
    return MergeCandidate{-static_cast<double>(vocabulary_.score(merged)), merged};
  });

  for (std::int32_t index = symbols.empty() ? -1 : 0; index >= 0;) {
    const MergeSymbol& symbol = symbols[static_cast<std::size_t>(index)];
    index = symbol.next;
    if (symbol.id != kNoToken) {
      ids.push_back(symbol.id);
      continue;
    }
    for (std::size_t offset = 0; offset < symbol.length; ++offset) {
      const auto byte = static_cast<unsigned char>(escaped[symbol.offset + offset]);
      if (byte_tokens_[byte] != kNoToken) {
        ids.push_back(byte_tokens_[byte]);
      } else if (vocabulary_.special().unknown != kNoToken) {
        ids.push_back(vocabulary_.special().unknown);
      }
    }
  }
}

std::string SentencePieceModel::decode_token(std::int32_t id) const {
  const std::string& text = vocabulary_.text(id);
  if (vocabulary_.type(id) == TokenType::kByte) {
    const int byte = parse_byte_token(text);
    if (byte >= 0) return std::string(1, static_cast<char>(byte));
  }
  return replace_all(text, kSentencePieceSpace, " ");
}

}  // namespace tessera::tokenizer
