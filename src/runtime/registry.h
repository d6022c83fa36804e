// The process-wide set of loaded backends. Backends are found as shared libraries named
// libtessera_backend_<name>.so in: $TESSERA_BACKEND_PATH (colon-separated folders), the folder
// "backends" beside the executable's folder, and the build tree's backend folder.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "runtime/backend.h"
#include "runtime/device.h"

namespace tessera::runtime {

class Registry {
 public:
  // The registry with every discoverable backend loaded (once per process).
  static Registry& global();

  const std::vector<std::shared_ptr<Backend>>& backends() const { return backends_; }
  // Backends that were found but refused, with the reason: shown by `tessera info --ops`.
  const std::vector<std::string>& load_failures() const { return load_failures_; }

  std::shared_ptr<Backend> find(std::string_view name) const;
  // Loads one more backend from a path (e.g. `tessera conformance --backend libX.so`).
  Result<std::shared_ptr<Backend>> load(const std::string& path);
  // Device by label "cpu", "cpu:0", "cuda:1".
  Result<Device> device(std::string_view label) const;

  static std::vector<std::string> search_folders();

 private:
  Registry() = default;
  void discover();
  std::vector<std::shared_ptr<Backend>> backends_;
  std::vector<std::string> load_failures_;
};

}  // namespace tessera::runtime
