// Certifies the backends built in this tree: the CPU backend at every instruction-set level this
// machine has (scalar, avx2, avx512) and thread counts, and the null backend (its one example kernel
// passes, everything else is unsupported).
#include <gtest/gtest.h>

#include <string>

#include "ops/conformance/conformance.h"
#include "runtime/backend.h"

namespace tessera {
namespace {

std::shared_ptr<runtime::Backend> load_backend(const std::string& name) {
  auto backend = runtime::Backend::load(std::string(TESSERA_BACKEND_DIR) + "/libtessera_backend_" + name + ".so");
  if (!backend.ok()) ADD_FAILURE() << backend.error().to_string();
  return backend.ok() ? backend.value() : nullptr;
}

void expect_conformant(const std::shared_ptr<runtime::Backend>& backend, const std::string& settings) {
  auto report = conformance::run(backend, {.device = 0, .ops = {}, .settings = settings});
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_TRUE(report->passed()) << report->text();
  EXPECT_EQ(report->count(conformance::Outcome::kUnsupported), 0) << report->text();
  EXPECT_TRUE(report->uncovered_kernels.empty()) << report->text();
}

class CpuConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(CpuConformance, EveryKernelMatchesTheReference) {
  auto backend = load_backend("cpu");
  ASSERT_TRUE(backend);
  const std::string isa = GetParam();
  ASSERT_TRUE(backend->configure("isa", isa).ok());
  for (const char* threads : {"1", "3"}) {
    ASSERT_TRUE(backend->configure("threads", threads).ok());
    expect_conformant(backend, "isa=" + isa + " threads=" + threads);
  }
}

// A level above what the machine has is capped to the detected level, so every level runs everywhere.
INSTANTIATE_TEST_SUITE_P(IsaLevels, CpuConformance, ::testing::Values("scalar", "avx2", "avx512"));

TEST(CpuConformance, RejectsUnknownSettings) {
  auto backend = load_backend("cpu");
  ASSERT_TRUE(backend);
  EXPECT_FALSE(backend->configure("isa", "mmx").ok());
  EXPECT_FALSE(backend->configure("threads", "many").ok());
  EXPECT_FALSE(backend->configure("colour", "blue").ok());
}

TEST(NullConformance, ExampleKernelPassesAndTheRestIsUnsupported) {
  auto backend = load_backend("null");
  ASSERT_TRUE(backend);
  auto report = conformance::run(backend);
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_TRUE(report->passed()) << report->text();
  int add_passed = 0;
  for (const auto& result : report->results) {
    if (result.op == "add") {
      EXPECT_EQ(result.outcome, conformance::Outcome::kPassed) << result.name << ": " << result.message;
      ++add_passed;
    } else {
      EXPECT_EQ(result.outcome, conformance::Outcome::kUnsupported) << result.name;
    }
  }
  EXPECT_GT(add_passed, 0);
}

}  // namespace
}  // namespace tessera
