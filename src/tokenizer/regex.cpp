#include "tokenizer/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <memory>

#include "tokenizer/utf8.h"

namespace tessera::tokenizer {

namespace {

pcre2_code* as_code(void* code) { return static_cast<pcre2_code*>(code); }

// Per-thread matching resources: a JIT stack larger than the 32 KiB default so that long runs of
// one character class (a megabyte of spaces) cannot exhaust it, and one result slot.
struct MatchResources {
  pcre2_jit_stack* jit_stack = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_match_data* data = nullptr;

  MatchResources() {
    jit_stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
    context = pcre2_match_context_create(nullptr);
    if (context != nullptr && jit_stack != nullptr) {
      pcre2_jit_stack_assign(context, nullptr, jit_stack);
    }
    data = pcre2_match_data_create(1, nullptr);
  }
  ~MatchResources() {
    pcre2_match_data_free(data);
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(jit_stack);
  }
  MatchResources(const MatchResources&) = delete;
  MatchResources& operator=(const MatchResources&) = delete;
};

MatchResources& match_resources() {
  thread_local MatchResources resources;
  return resources;
}

}  // namespace

Result<Regex> Regex::compile(std::string_view pattern) {
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &error_code,
                                   &error_offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error_code, message, sizeof(message));
    return make_error(ErrorCode::kInvalidArgument, "pre-tokenizer regex '{}': {} at offset {}",
                      pattern, reinterpret_cast<const char*>(message), error_offset);
  }
  // JIT is an optimisation only: where it is unavailable the interpreter gives the same matches.
  (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  return Regex(code);
}

Regex& Regex::operator=(Regex&& other) noexcept {
  if (this != &other) {
    pcre2_code_free(as_code(code_));
    code_ = std::exchange(other.code_, nullptr);
  }
  return *this;
}

Regex::~Regex() { pcre2_code_free(as_code(code_)); }

void Regex::split_isolated(std::string_view subject, std::vector<TextRange>& ranges) const {
  MatchResources& resources = match_resources();
  std::size_t piece_start = 0;  // end of the last emitted range
  std::size_t search_from = 0;
  const auto emit = [&](std::size_t begin, std::size_t end) {
    if (end > begin) ranges.push_back({begin, end - begin});
  };
  while (search_from <= subject.size() && resources.data != nullptr) {
    const int result = pcre2_match(as_code(code_), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                                   subject.size(), search_from, 0, resources.data, resources.context);
    if (result < 0) break;  // no further match (or a resource limit): the rest is one run
    const PCRE2_SIZE* vector = pcre2_get_ovector_pointer(resources.data);
    const std::size_t match_begin = vector[0];
    const std::size_t match_end = vector[1];
    if (match_begin < piece_start || match_end < match_begin) break;  // \K tricks; not used here
    emit(piece_start, match_begin);
    emit(match_begin, match_end);
    piece_start = match_end;
    if (match_end > match_begin) {
      search_from = match_end;
    } else if (match_end < subject.size()) {
      // An empty match only marks a split point; step over one character to make progress.
      search_from = match_end + utf8_character_length(subject, match_end);
    } else {
      break;
    }
  }
  emit(piece_start, subject.size());
}

}  // namespace tessera::tokenizer
