#include "tokenizer/wordpiece.h"

#include <utf8proc.h>

#include "tokenizer/utf8.h"

namespace tessera::tokenizer {

namespace {

// HF refuses to split words longer than this and emits [UNK] for them.
constexpr std::size_t kMaxCharactersPerWord = 100;

utf8proc_category_t category_of(char32_t code_point) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(code_point));
}

bool is_bert_whitespace(char32_t code_point) {
  if (code_point == ' ' || code_point == '\t' || code_point == '\n' || code_point == '\r') return true;
  return category_of(code_point) == UTF8PROC_CATEGORY_ZS;
}

bool is_bert_control(char32_t code_point) {
  if (code_point == '\t' || code_point == '\n' || code_point == '\r') return false;
  switch (category_of(code_point)) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CS:
      return true;
    default:
      return false;
  }
}

bool is_bert_punctuation(char32_t code_point) {
  if ((code_point >= 33 && code_point <= 47) || (code_point >= 58 && code_point <= 64) ||
      (code_point >= 91 && code_point <= 96) || (code_point >= 123 && code_point <= 126)) {
    return true;
  }
  switch (category_of(code_point)) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
      return true;
    default:
      return false;
  }
}

// BERT's definition of a CJK ideograph (the CJK Unified Ideographs blocks), not a general
// script test: Japanese kana and Korean Hangul are deliberately not included.
bool is_cjk_ideograph(char32_t code_point) {
  return (code_point >= 0x4E00 && code_point <= 0x9FFF) || (code_point >= 0x3400 && code_point <= 0x4DBF) ||
         (code_point >= 0x20000 && code_point <= 0x2A6DF) || (code_point >= 0x2A700 && code_point <= 0x2B73F) ||
         (code_point >= 0x2B740 && code_point <= 0x2B81F) || (code_point >= 0x2B820 && code_point <= 0x2CEAF) ||
         (code_point >= 0xF900 && code_point <= 0xFAFF) || (code_point >= 0x2F800 && code_point <= 0x2FA1F);
}

// clean_text + handle_chinese_chars: drops controls and invalid bytes, maps whitespace to ' '.
std::string clean_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t offset = 0; offset < text.size();) {
    const Utf8Sequence sequence = scan_utf8(text, offset);
    if (sequence.status != Utf8Status::kComplete) {
      ++offset;  // HF would have seen U+FFFD here, which it removes
      continue;
    }
    offset += sequence.length;
    const char32_t code_point = sequence.code_point;
    if (code_point == 0 || code_point == 0xFFFD || is_bert_control(code_point)) continue;
    if (is_bert_whitespace(code_point)) {
      out.push_back(' ');
    } else if (is_cjk_ideograph(code_point)) {
      out.push_back(' ');
      append_utf8(out, code_point);
      out.push_back(' ');
    } else {
      append_utf8(out, code_point);
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> WordPieceModel::split_words(std::string_view text) {
  // strip_accents (NFD, drop nonspacing marks) then lowercase, as BertNormalizer orders them.
  const std::string decomposed = normalize_unicode(clean_text(text), NormalizationForm::kNfd);
  std::vector<std::string> words;
  std::string current;
  const auto finish_word = [&] {
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  for (std::size_t offset = 0; offset < decomposed.size();) {
    const Utf8Sequence sequence = scan_utf8(decomposed, offset);
    offset += sequence.status == Utf8Status::kComplete ? sequence.length : 1;
    if (sequence.status != Utf8Status::kComplete) continue;
    const char32_t code_point = sequence.code_point;
    if (category_of(code_point) == UTF8PROC_CATEGORY_MN) continue;
    if (is_bert_whitespace(code_point)) {
      finish_word();
      continue;
    }
    const auto lower = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(code_point)));
    if (is_bert_punctuation(code_point)) {
      finish_word();
      append_utf8(current, lower);
      finish_word();
    } else {
      append_utf8(current, lower);
    }
  }
  finish_word();
  return words;
}

void WordPieceModel::encode(std::string_view text, std::vector<std::int32_t>& ids) const {
  for (const std::string& word : split_words(text)) encode_word(word, ids);
}

void WordPieceModel::encode_word(std::string_view word, std::vector<std::int32_t>& ids) const {
  const std::int32_t unknown = vocabulary_.special().unknown;
  std::size_t characters = 0;
  for (std::size_t offset = 0; offset < word.size(); offset += utf8_character_length(word, offset)) {
    ++characters;
  }
  if (characters > kMaxCharactersPerWord) {
    if (unknown != kNoToken) ids.push_back(unknown);
    return;
  }

  const std::size_t first_new = ids.size();
  std::string candidate;
  for (std::size_t start = 0; start < word.size();) {
    std::int32_t found = kNoToken;
    std::size_t found_end = start;
    // Longest match first, shrinking one character at a time from the end.
    std::size_t end = word.size();
    while (end > start) {
      candidate.clear();
      if (start == 0) candidate.append(kSentencePieceSpace);
      candidate.append(word.substr(start, end - start));
      found = vocabulary_.find(candidate);
      if (found != kNoToken) {
        found_end = end;
        break;
      }
      do {
        --end;
      } while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80);
    }
    if (found == kNoToken) {
      ids.resize(first_new);
      if (unknown != kNoToken) ids.push_back(unknown);
      return;
    }
    ids.push_back(found);
    start = found_end;
  }
}

std::string WordPieceModel::decode_token(std::int32_t id) const {
  return replace_all(vocabulary_.text(id), kSentencePieceSpace, " ");
}

}  // namespace tessera::tokenizer
