// llama.cpp's tokenizer test vectors (../shared/data/tokenizers): every .inp case must encode,
// with add_special=false and parse_special=false, to exactly the ids on its .out line.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "formats/gguf_reader.h"
#include "tokenizer/tokenizer.h"

namespace tessera::tokenizer {
namespace {

namespace fs = std::filesystem;

const fs::path kTokenizerData = fs::path(TESSERA_SHARED_DATA) / "tokenizers";

struct VectorCase {
  std::string name;         // test name and the vector files' stem (ggml-vocab-<name>.gguf.inp)
  std::string vocab;        // file under tokenizers/ (or a path relative to shared/data)
  std::string bpe_pre;      // non-empty: vocab is a qwen2-bpe style folder with this pre-tokenizer
};

std::string read_text(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream contents;
  contents << stream.rdbuf();
  return contents.str();
}

// Cases are separated by "\n__ggml_vocab_test__\n"; the file ends with a separator.
std::vector<std::string> read_inputs(const fs::path& path) {
  const std::string text = read_text(path);
  const std::string separator = "\n__ggml_vocab_test__\n";
  std::vector<std::string> cases;
  std::size_t start = 0;
  while (true) {
    const std::size_t found = text.find(separator, start);
    if (found == std::string::npos) break;
    cases.push_back(text.substr(start, found - start));
    start = found + separator.size();
  }
  if (start < text.size()) cases.push_back(text.substr(start));
  return cases;
}

std::vector<std::vector<std::int32_t>> read_outputs(const fs::path& path) {
  std::vector<std::vector<std::int32_t>> outputs;
  std::istringstream lines(read_text(path));
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::int32_t> ids;
    std::istringstream numbers(line);
    for (std::int32_t id; numbers >> id;) ids.push_back(id);
    outputs.push_back(std::move(ids));
  }
  return outputs;
}

std::string format_ids(const std::vector<std::int32_t>& ids) {
  std::string text;
  for (std::int32_t id : ids) {
    text.push_back(' ');
    text.append(std::to_string(id));
  }
  return text;
}

Result<std::unique_ptr<Tokenizer>> load(const VectorCase& vector_case) {
  if (!vector_case.bpe_pre.empty()) {
    const fs::path folder = kTokenizerData / vector_case.vocab;
    return Tokenizer::from_bpe_files((folder / "vocab.json").string(), (folder / "merges.txt").string(),
                                     vector_case.bpe_pre);
  }
  const fs::path path = vector_case.vocab.find('/') == std::string::npos
                            ? kTokenizerData / vector_case.vocab
                            : fs::path(TESSERA_SHARED_DATA) / vector_case.vocab;
  TESSERA_ASSIGN_OR_RETURN(gguf::File file, gguf::File::open(path.string()));
  return Tokenizer::from_gguf(file);
}

class VocabVectors : public ::testing::TestWithParam<VectorCase> {};

TEST_P(VocabVectors, EveryCaseMatchesExactly) {
  const VectorCase& vector_case = GetParam();
  const fs::path inputs_path = kTokenizerData / ("ggml-vocab-" + vector_case.name + ".gguf.inp");
  const fs::path outputs_path = kTokenizerData / ("ggml-vocab-" + vector_case.name + ".gguf.out");
  if (!fs::exists(inputs_path) || !fs::exists(outputs_path)) {
    GTEST_SKIP() << "shared test data not found: " << inputs_path << " (../shared/data is absent)";
  }
  auto tokenizer = load(vector_case);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().to_string();

  const std::vector<std::string> inputs = read_inputs(inputs_path);
  const std::vector<std::vector<std::int32_t>> outputs = read_outputs(outputs_path);
  ASSERT_EQ(inputs.size(), outputs.size()) << "malformed vector files";
  std::size_t passed = 0;
  for (std::size_t index = 0; index < inputs.size(); ++index) {
    const std::vector<std::int32_t> ids = (*tokenizer)->encode(inputs[index], false, false);
    if (ids == outputs[index]) {
      ++passed;
    } else {
      ADD_FAILURE() << vector_case.name << " case " << index << " input '" << inputs[index] << "'\n  expected:"
                    << format_ids(outputs[index]) << "\n  got:     " << format_ids(ids);
    }
  }
  EXPECT_EQ(passed, inputs.size());
  std::printf("[ vectors  ] %s: %zu/%zu\n", vector_case.name.c_str(), passed, inputs.size());
}

INSTANTIATE_TEST_SUITE_P(
    SharedData, VocabVectors,
    ::testing::Values(VectorCase{"bert-bge", "ggml-vocab-bert-bge.gguf", ""},
                      VectorCase{"deepseek-coder", "ggml-vocab-deepseek-coder.gguf", ""},
                      VectorCase{"deepseek-llm", "ggml-vocab-deepseek-llm.gguf", ""},
                      VectorCase{"falcon", "ggml-vocab-falcon.gguf", ""},
                      VectorCase{"gpt-2", "ggml-vocab-gpt-2.gguf", ""},
                      VectorCase{"llama-spm", "ggml-vocab-llama-spm.gguf", ""},
                      VectorCase{"mpt", "ggml-vocab-mpt.gguf", ""},
                      VectorCase{"phi-3", "ggml-vocab-phi-3.gguf", ""},
                      VectorCase{"refact", "ggml-vocab-refact.gguf", ""},
                      VectorCase{"starcoder", "ggml-vocab-starcoder.gguf", ""},
                      VectorCase{"qwen2", "qwen2-bpe", "qwen2"},
                      VectorCase{"deepseek-r1-qwen", "qwen2-bpe", "deepseek-r1-qwen"}),
    [](const ::testing::TestParamInfo<VectorCase>& info) {
      std::string name = info.param.name;
      for (char& character : name) {
        if (!std::isalnum(static_cast<unsigned char>(character))) character = '_';
      }
      return name;
    });

// The vocabulary inside models/llama-2-tiny-random.gguf is Llama 2's: the llama-spm vectors
// must pass with it too.
TEST(VocabVectorsTinyLlama, LlamaSpmVectorsWithModelVocabulary) {
  const fs::path model = fs::path(TESSERA_SHARED_DATA) / "models" / "llama-2-tiny-random.gguf";
  const fs::path inputs_path = kTokenizerData / "ggml-vocab-llama-spm.gguf.inp";
  if (!fs::exists(model) || !fs::exists(inputs_path)) GTEST_SKIP() << "shared test data not found";
  auto file = gguf::File::open(model.string());
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  auto tokenizer = Tokenizer::from_gguf(*file);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().to_string();
  const auto inputs = read_inputs(inputs_path);
  const auto outputs = read_outputs(kTokenizerData / "ggml-vocab-llama-spm.gguf.out");
  ASSERT_EQ(inputs.size(), outputs.size());
  for (std::size_t index = 0; index < inputs.size(); ++index) {
    EXPECT_EQ((*tokenizer)->encode(inputs[index], false, false), outputs[index]) << "case " << index;
  }
}

}  // namespace
}  // namespace tessera::tokenizer
