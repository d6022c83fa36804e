#include "tokenizer/pretokenizer.h"

#include <utf8proc.h>

#include "tokenizer/byte_level.h"

namespace tessera::tokenizer {

namespace {

std::string lowercase(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t offset = 0; offset < text.size();) {
    const Utf8Sequence sequence = scan_utf8(text, offset);
    if (sequence.status != Utf8Status::kComplete) {
      out.push_back(text[offset++]);
      continue;
    }
    append_utf8(out, static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(sequence.code_point))));
    offset += sequence.length;
  }
  return out;
}

}  // namespace

std::string apply_normalizers(std::span<const NormalizerStep> steps, std::string_view text) {
  std::string result(text);
  for (const NormalizerStep& step : steps) {
    switch (step.kind) {
      case NormalizerStep::Kind::kUnicode: result = normalize_unicode(result, step.form); break;
      case NormalizerStep::Kind::kLowercase: result = lowercase(result); break;
      case NormalizerStep::Kind::kPrepend:
        if (!result.empty()) result.insert(0, step.to);  // HF prepends only to non-empty text
        break;
      case NormalizerStep::Kind::kReplace: result = replace_all(result, step.from, step.to); break;
    }
  }
  return result;
}

Result<PreTokenizer> PreTokenizer::create(const PreTokenizerSpec& spec, bool byte_level) {
  PreTokenizer pre_tokenizer;
  pre_tokenizer.normalizers_ = spec.normalizers;
  pre_tokenizer.ignore_merges_ = spec.ignore_merges;
  for (const PreTokenizerStep& step : spec.steps) {
    CompiledStep compiled{step.kind, std::nullopt};
    if (step.kind == PreTokenizerStep::Kind::kSplit) {
      TESSERA_ASSIGN_OR_RETURN(Regex regex, Regex::compile(step.pattern));
      compiled.regex.emplace(std::move(regex));
    } else {
      if (pre_tokenizer.byte_level_) continue;  // mapping twice would corrupt the text
      pre_tokenizer.byte_level_ = true;
    }
    pre_tokenizer.steps_.push_back(std::move(compiled));
  }
  if (byte_level && !pre_tokenizer.byte_level_) {
    pre_tokenizer.steps_.push_back({PreTokenizerStep::Kind::kByteLevel, std::nullopt});
    pre_tokenizer.byte_level_ = true;
  }
  return pre_tokenizer;
}

std::vector<std::string> PreTokenizer::split(std::string_view text) const {
  std::vector<std::string> pieces;
  if (text.empty()) return pieces;
  pieces.emplace_back(apply_normalizers(normalizers_, text));
  if (pieces.front().empty()) pieces.clear();

  std::vector<std::string> next;
  std::vector<TextRange> ranges;
  for (const CompiledStep& step : steps_) {
    next.clear();
    next.reserve(pieces.size());
    if (step.kind == PreTokenizerStep::Kind::kByteLevel) {
      for (const std::string& piece : pieces) next.push_back(to_byte_level(piece));
    } else {
      for (const std::string& piece : pieces) {
        ranges.clear();
        step.regex->split_isolated(piece, ranges);
        for (const TextRange& range : ranges) next.emplace_back(piece, range.offset, range.length);
      }
    }
    pieces.swap(next);
  }
  return pieces;
}

}  // namespace tessera::tokenizer
