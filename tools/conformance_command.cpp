// `tessera conformance [--backend path/to/libX.so] [--json]`: runs the conformance suite on a backend
// (by default every backend the registry finds) and prints the certification report. Exit code 1 when
// any case fails; unsupported signatures are reported, not failed.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ops/conformance/conformance.h"
#include "runtime/registry.h"
#include "tools/command.h"

namespace tessera::cli {

namespace {

struct ConformanceOptions {
  std::vector<std::string> backend_paths;
  std::vector<std::string> ops;
  std::vector<std::string> settings;  // "key=value" passed to the backend's configure()
  int device = 0;
  bool json = false;
};

int run_conformance(const ConformanceOptions& options) {
  auto& registry = runtime::Registry::global();
  std::vector<std::shared_ptr<runtime::Backend>> backends;
  for (const auto& path : options.backend_paths) {
    auto backend = registry.load(path);
    if (!backend.ok()) {
      std::fprintf(stderr, "tessera: %s\n", backend.error().to_string().c_str());
      return 1;
    }
    backends.push_back(backend.value());
  }
  if (options.backend_paths.empty()) backends = registry.backends();
  if (backends.empty()) {
    std::fprintf(stderr, "tessera: no backend found; pass --backend path/to/libtessera_backend_X.so\n");
    return 1;
  }
  bool all_passed = true;
  nlohmann::json reports = nlohmann::json::array();
  for (const auto& backend : backends) {
    std::string label;
    for (const auto& setting : options.settings) {
      const auto equals = setting.find('=');
      if (equals == std::string::npos) {
        std::fprintf(stderr, "tessera: --set expects key=value, got '%s'\n", setting.c_str());
        return 1;
      }
      auto configured = backend->configure(setting.substr(0, equals), setting.substr(equals + 1));
      if (!configured.ok()) {
        std::fprintf(stderr, "tessera: %s\n", configured.error().to_string().c_str());
        return 1;
      }
      label += (label.empty() ? "" : " ") + setting;
    }
    auto report = conformance::run(backend, {.device = options.device, .ops = options.ops, .settings = label});
    if (!report.ok()) {
      std::fprintf(stderr, "tessera: %s\n", report.error().to_string().c_str());
      return 1;
    }
    all_passed = all_passed && report->passed();
    if (options.json) {
      reports.push_back(nlohmann::json::parse(report->json()));
    } else {
      fmt::print("{}\n", report->text());
    }
  }
  if (options.json) fmt::print("{}\n", reports.size() == 1 ? reports[0].dump(2) : reports.dump(2));
  return all_passed ? 0 : 1;
}

}  // namespace

CommandRunner add_conformance_command(CLI::App& root) {
  auto options = std::make_shared<ConformanceOptions>();
  CLI::App* command = root.add_subcommand("conformance", "Certify a backend's kernels against the reference ops");
  command->add_option("--backend", options->backend_paths,
                      "Backend library to test (repeatable); default: every backend found");
  command->add_option("--op", options->ops, "Only these ops, e.g. --op matmul --op attention");
  command->add_option("--set", options->settings, "Backend setting key=value before the run, e.g. isa=avx2, threads=4");
  command->add_option("--device", options->device, "Device index within the backend");
  command->add_flag("--json", options->json, "Print the report as JSON");
  return [options] { return run_conformance(*options); };
}

}  // namespace tessera::cli
