// A valid file cut short at every byte of its header and metadata, and at a stride through its
// tensor data, must give an Error every time: never succeed, crash, hang or allocate wildly.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "gguf_test_support.h"

namespace tessera::gguf {
namespace {

// No truncated prefix may ask for more than this in one allocation.
constexpr std::size_t kAllocationLimit = std::size_t{16} << 20;

struct TruncationReport {
  std::size_t parsed_prefixes = 0;
  std::size_t header_bytes = 0;
};

// Parses every prefix [0, header end) and a stride of prefixes through the tensor data up to the
// end of the last tensor (trailing padding may be cut without losing anything).
TruncationReport truncate_everywhere(const std::vector<std::uint8_t>& bytes, std::size_t data_stride) {
  auto whole = testing::parse(bytes);
  EXPECT_TRUE(whole.ok()) << whole.error().to_string();
  if (!whole.ok()) return {};
  std::uint64_t data_end = whole->data_offset();
  for (const TensorInfo& tensor : whole->tensors()) {
    data_end = std::max(data_end, whole->data_offset() + tensor.offset + tensor.size_bytes);
  }
  TruncationReport report;
  report.header_bytes = static_cast<std::size_t>(whole->data_offset());
  auto check = [&](std::size_t length) {
    // Header cuts parse a copy of exactly `length` bytes, so ASan also catches a read past the cut;
    // data cuts (the reader never reads tensor bytes) parse the original, which saves large copies.
    std::vector<std::uint8_t> copy;
    std::span<const std::uint8_t> prefix(bytes.data(), length);
    if (length < report.header_bytes) {
      copy.assign(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length));
      prefix = copy;
    }
    testing::reset_largest_allocation();
    auto file = testing::parse(prefix);
    EXPECT_FALSE(file.ok()) << "a file cut at byte " << length << " of " << bytes.size() << " parsed";
    EXPECT_LE(testing::largest_allocation(), kAllocationLimit) << "cut at " << length;
    ++report.parsed_prefixes;
  };
  for (std::size_t length = 0; length < report.header_bytes; ++length) check(length);
  for (std::size_t length = report.header_bytes; length < data_end; length += data_stride) check(length);
  if (data_end > 0) check(static_cast<std::size_t>(data_end - 1));
  return report;
}

TEST(GgufTruncation, WriterFileAtEveryOffset) {
  const std::vector<std::uint8_t> bytes = testing::sample_file();
  // Every byte, data included: the file is small.
  const auto report = truncate_everywhere(bytes, 1);
  EXPECT_GT(report.header_bytes, 300u);
  EXPECT_GE(report.parsed_prefixes, bytes.size() - 32);
}

TEST(GgufTruncation, RealModelAtEveryHeaderOffset) {
  const std::string path = std::string(TESSERA_SHARED_DATA) + "/models/stories260K.gguf";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << path << " is absent (shared test data not checked out); the writer-file case still runs";
  }
  std::ifstream stream(path, std::ios::binary);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
  ASSERT_EQ(bytes.size(), 1185376u);
  const auto start = std::chrono::steady_clock::now();
  const auto report = truncate_everywhere(bytes, 997);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(report.header_bytes, 14176u);
  EXPECT_GT(report.parsed_prefixes, 15000u);
  // Copying the prefixes dominates; parsing must stay far from quadratic in the file size.
  RecordProperty("seconds", std::to_string(seconds));
}

TEST(GgufTruncation, RealModelParsesWhole) {
  const std::string path = std::string(TESSERA_SHARED_DATA) + "/models/stories260K.gguf";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent (shared test data not checked out)";
  auto file = File::open(path);
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  EXPECT_EQ(file->version(), 3u);
  EXPECT_EQ(file->metadata().size(), 19u);
  EXPECT_EQ(file->tensors().size(), 48u);
  EXPECT_EQ(file->get_string("general.architecture").value(), "llama");
  EXPECT_EQ(file->get_int("llama.embedding_length").value(), 64);
  const TensorInfo* embedding = file->find_tensor("token_embd.weight");
  ASSERT_NE(embedding, nullptr);
  EXPECT_EQ(embedding->shape, (std::vector<std::int64_t>{512, 64}));
  EXPECT_EQ(embedding->data, file->tensors()[0].data);
  EXPECT_EQ(file->data_offset(), 14176u);
}

TEST(GgufSharedData, EveryRealFileParsesAndRoundTrips) {
  const std::filesystem::path root(TESSERA_SHARED_DATA);
  if (!std::filesystem::exists(root)) GTEST_SKIP() << root << " is absent (shared test data not checked out)";
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".gguf") continue;
    SCOPED_TRACE(entry.path().string());
    auto file = File::open(entry.path().string());
    ASSERT_TRUE(file.ok()) << file.error().to_string();
    // Rewritten by the writer, the file reads back the same.
    Writer writer(file->version());
    for (const KeyValue& item : file->metadata()) ASSERT_TRUE(writer.set(item.key, item.value).ok()) << item.key;
    for (const TensorInfo& tensor : file->tensors()) {
      ASSERT_TRUE(writer.add_tensor(tensor.name, tensor.dtype, tensor.shape, {tensor.data, tensor.size_bytes}).ok());
    }
    const std::vector<std::uint8_t> bytes = writer.to_bytes();
    auto reread = testing::parse(bytes);
    ASSERT_TRUE(reread.ok()) << reread.error().to_string();
    ASSERT_EQ(reread->metadata().size(), file->metadata().size());
    for (std::size_t index = 0; index < file->metadata().size(); ++index) {
      EXPECT_EQ(reread->metadata()[index].key, file->metadata()[index].key);
      EXPECT_TRUE(reread->metadata()[index].value == file->metadata()[index].value) << file->metadata()[index].key;
    }
    ASSERT_EQ(reread->tensors().size(), file->tensors().size());
    for (std::size_t index = 0; index < file->tensors().size(); ++index) {
      const TensorInfo& original = file->tensors()[index];
      const TensorInfo& copy = reread->tensors()[index];
      EXPECT_EQ(copy.name, original.name);
      EXPECT_EQ(copy.shape, original.shape);
      EXPECT_EQ(copy.offset, original.offset);
      EXPECT_TRUE(std::equal(original.data, original.data + original.size_bytes, copy.data)) << original.name;
    }
    ++files;
  }
  EXPECT_GE(files, 2);
}

}  // namespace
}  // namespace tessera::gguf
