#include "gguf_test_support.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

namespace {
std::atomic<std::size_t> largest_request{0};

void* tracked_allocate(std::size_t size) {
  std::size_t seen = largest_request.load(std::memory_order_relaxed);
  while (size > seen && !largest_request.compare_exchange_weak(seen, size, std::memory_order_relaxed)) {
  }
  if (void* pointer = std::malloc(size == 0 ? 1 : size)) return pointer;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) { return tracked_allocate(size); }
void* operator new[](std::size_t size) { return tracked_allocate(size); }
void operator delete(void* pointer) noexcept { std::free(pointer); }
void operator delete[](void* pointer) noexcept { std::free(pointer); }
void operator delete(void* pointer, std::size_t) noexcept { std::free(pointer); }
void operator delete[](void* pointer, std::size_t) noexcept { std::free(pointer); }

namespace tessera::gguf::testing {

std::vector<std::uint8_t> pattern_bytes(int seed, std::size_t size) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t index = 0; index < size; ++index) {
    bytes[index] = static_cast<std::uint8_t>((index * 131 + static_cast<std::size_t>(seed) * 17 + 7) & 0xFF);
  }
  return bytes;
}

Writer sample_writer() {
  Writer writer;
  auto check = [](Result<void> result) {
    if (!result.ok()) throw Exception(result.error());
  };
  check(writer.set_string("general.architecture", "llama"));
  check(writer.set_uint32("general.alignment", 32));
  check(writer.set_uint32("llama.embedding_length", 8));
  check(writer.set_string("test.string", "hello"));
  check(writer.set_bool("test.bool", true));
  check(writer.set("test.array", Value::from_array(ValueType::kInt32, {Value::from_int(ValueType::kInt32, 1),
                                                                       Value::from_int(ValueType::kInt32, 2),
                                                                       Value::from_int(ValueType::kInt32, 3)})));
  check(writer.set("test.bools", Value::from_array(ValueType::kBool, {Value::from_bool(false), Value::from_bool(true)})));
  check(writer.set("test.nested",
                   Value::from_array(ValueType::kArray,
                                     {Value::from_array(ValueType::kUint8, {Value::from_uint(ValueType::kUint8, 7)}),
                                      Value::from_array(ValueType::kUint8, {})})));
  check(writer.set_int32("dup.key_one", 1));
  check(writer.set_int32("dup.key_two", 2));
  std::vector<Value> tokens;
  for (const char* token : {"<unk>", "<s>", "</s>", "a", "b", "c", "ab", "bc"}) tokens.push_back(Value::from_string(token));
  check(writer.set("tokenizer.ggml.tokens", Value::from_array(ValueType::kString, std::move(tokens))));
  check(writer.add_tensor("token_embd.weight", DType::kF32, {8, 8}, pattern_bytes(1, 8 * 8 * 4)));
  check(writer.add_tensor("blk.0.attn_q.weight", DType::kF16, {8, 8}, pattern_bytes(2, 8 * 8 * 2)));
  check(writer.add_tensor("output_norm.weight", DType::kF32, {8}, pattern_bytes(3, 8 * 4)));
  check(writer.add_tensor("blk.0.ffn_q8.weight", DType::kQ8_0, {2, 32}, pattern_bytes(4, 2 * 34)));
  return writer;
}

std::vector<std::uint8_t> sample_file() { return sample_writer().to_bytes(); }

std::size_t offset_after_string(std::span<const std::uint8_t> bytes, std::string_view text) {
  std::vector<std::uint8_t> needle;
  for (std::uint64_t length = text.size(), byte = 0; byte < 8; ++byte) {
    needle.push_back(static_cast<std::uint8_t>(length >> (8 * byte)));
  }
  for (char character : text) needle.push_back(static_cast<std::uint8_t>(character));
  auto found = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
  EXPECT_NE(found, bytes.end()) << "string '" << text << "' not in file";
  return static_cast<std::size_t>(found - bytes.begin()) + needle.size();
}

Result<File> parse(std::span<const std::uint8_t> bytes) { return File::parse(bytes, "test.gguf"); }

void reset_largest_allocation() { largest_request.store(0); }
std::size_t largest_allocation() { return largest_request.load(); }

}  // namespace tessera::gguf::testing
