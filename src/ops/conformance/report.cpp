// The certification report: per op signature, how many cases passed, failed or were unsupported.
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ops/conformance/conformance.h"

namespace tessera::conformance {

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPassed: return "passed";
    case Outcome::kFailed: return "failed";
    case Outcome::kUnsupported: return "unsupported";
  }
  return "unknown";
}

int Report::count(Outcome outcome) const {
  int total = 0;
  for (const auto& result : results) total += result.outcome == outcome ? 1 : 0;
  return total;
}

namespace {

struct SignatureTally {
  int passed = 0, failed = 0, unsupported = 0;
  double worst_ratio = 0.0;
};

// Signatures in first-seen order with their tallies.
std::vector<std::pair<std::string, SignatureTally>> tally(const std::vector<CaseResult>& results) {
  std::vector<std::pair<std::string, SignatureTally>> rows;
  std::map<std::string, std::size_t> index;
  for (const auto& result : results) {
    auto [it, inserted] = index.emplace(result.signature, rows.size());
    if (inserted) rows.emplace_back(result.signature, SignatureTally{});
    SignatureTally& row = rows[it->second].second;
    if (result.outcome == Outcome::kPassed) ++row.passed;
    if (result.outcome == Outcome::kFailed) ++row.failed;
    if (result.outcome == Outcome::kUnsupported) ++row.unsupported;
    if (result.worst_ratio > row.worst_ratio) row.worst_ratio = result.worst_ratio;
  }
  return rows;
}

const char* verdict(const SignatureTally& row) {
  if (row.failed > 0) return "FAILED";
  if (row.passed == 0) return "unsupported";
  return "passed";
}

}  // namespace

std::string Report::text() const {
  std::string out = fmt::format("Conformance of backend {}\ndevice: {}\n", backend, device);
  if (!settings.empty()) out += fmt::format("settings: {}\n", settings);
  out += fmt::format("\n{:<48} {:>12} {:>7} {:>7} {:>12}  {}\n", "signature", "verdict", "passed", "failed",
                     "worst error", "(fraction of tolerance)");
  for (const auto& [signature, row] : tally(results)) {
    const std::string worst = row.passed + row.failed > 0 ? fmt::format("{:.3f}", row.worst_ratio) : "-";
    out += fmt::format("{:<48} {:>12} {:>7} {:>7} {:>12}\n", signature, verdict(row), row.passed, row.failed, worst);
  }
  bool header = false;
  for (const auto& result : results) {
    if (result.outcome != Outcome::kFailed) continue;
    if (!header) out += "\nFailures:\n";
    header = true;
    out += fmt::format("  {}: {}\n", result.name, result.message);
  }
  if (!uncovered_kernels.empty()) {
    out += "\nKernels with no conformance case (not certified):\n";
    for (const auto& signature : uncovered_kernels) out += fmt::format("  {}\n", signature);
  }
  out += fmt::format("\n{} cases: {} passed, {} failed, {} unsupported -> {}\n", results.size(), count(Outcome::kPassed),
                     count(Outcome::kFailed), count(Outcome::kUnsupported), passed() ? "CONFORMANT" : "NOT CONFORMANT");
  return out;
}

std::string Report::json() const {
  nlohmann::json document;
  document["backend"] = backend;
  document["device"] = device;
  document["settings"] = settings;
  document["passed"] = passed();
  document["counts"] = {{"passed", count(Outcome::kPassed)},
                        {"failed", count(Outcome::kFailed)},
                        {"unsupported", count(Outcome::kUnsupported)}};
  auto& signatures = document["signatures"] = nlohmann::json::array();
  for (const auto& [signature, row] : tally(results)) {
    signatures.push_back({{"signature", signature}, {"verdict", verdict(row)}, {"passed", row.passed},
                          {"failed", row.failed}, {"unsupported", row.unsupported}, {"worst_ratio", row.worst_ratio}});
  }
  auto& cases = document["cases"] = nlohmann::json::array();
  for (const auto& result : results) {
    nlohmann::json entry = {{"op", result.op}, {"signature", result.signature}, {"name", result.name},
                            {"outcome", outcome_name(result.outcome)}, {"worst_ratio", result.worst_ratio}};
    if (!result.message.empty()) entry["message"] = result.message;
    cases.push_back(std::move(entry));
  }
  document["uncovered_kernels"] = uncovered_kernels;
  return document.dump(2);
}

}  // namespace tessera::conformance
