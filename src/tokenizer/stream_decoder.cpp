#include "tokenizer/stream_decoder.h"

#include "tokenizer/tokenizer.h"
#include "tokenizer/utf8.h"

namespace tessera::tokenizer {

std::string StreamDecoder::push_bytes(std::string_view bytes) {
  pending_.append(bytes);
  std::string out;
  std::size_t offset = 0;
  while (offset < pending_.size()) {
    const Utf8Sequence sequence = scan_utf8(pending_, offset);
    if (sequence.status == Utf8Status::kIncomplete) break;  // wait for the next token
    if (sequence.status == Utf8Status::kComplete) {
      out.append(pending_, offset, sequence.length);
    } else {
      out.append(kReplacementCharacter);
    }
    offset += sequence.length;
  }
  pending_.erase(0, offset);
  return out;
}

std::string StreamDecoder::push_token(std::int32_t id) {
  if (tokenizer_ == nullptr) return push_bytes({});
  return push_bytes(tokenizer_->token_to_piece(id, render_special_));
}

std::string StreamDecoder::flush() {
  std::string out = sanitize_utf8(pending_);
  pending_.clear();
  return out;
}

std::string sanitize_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t offset = 0; offset < bytes.size();) {
    const Utf8Sequence sequence = scan_utf8(bytes, offset);
    if (sequence.status == Utf8Status::kComplete) {
      out.append(bytes.substr(offset, sequence.length));
    } else {
      out.append(kReplacementCharacter);
    }
    offset += sequence.length;
  }
  return out;
}

}  // namespace tessera::tokenizer
