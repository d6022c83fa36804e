#include "runtime/registry.h"

#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <mutex>
#include <set>

#include <fmt/format.h>

#ifndef TESSERA_BUILD_BACKEND_DIR
#define TESSERA_BUILD_BACKEND_DIR ""
#endif

namespace tessera::runtime {

namespace {
constexpr std::string_view kPrefix = "libtessera_backend_";
constexpr std::string_view kSuffix = ".so";

std::string executable_folder() {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string() : path.parent_path().string();
}
}  // namespace

std::vector<std::string> Registry::search_folders() {
  std::vector<std::string> folders;
  if (const char* configured = std::getenv("TESSERA_BACKEND_PATH")) {
    std::string_view remaining = configured;
    while (!remaining.empty()) {
      auto colon = remaining.find(':');
      auto folder = remaining.substr(0, colon);
      if (!folder.empty()) folders.emplace_back(folder);
      if (colon == std::string_view::npos) break;
      remaining.remove_prefix(colon + 1);
    }
  }
  std::string here = executable_folder();
  if (!here.empty()) {
    folders.push_back(here + "/backends");
    folders.push_back(here + "/../backends");
    folders.push_back(here + "/../lib/tessera");
  }
  if (std::string_view(TESSERA_BUILD_BACKEND_DIR).size() > 0) folders.emplace_back(TESSERA_BUILD_BACKEND_DIR);
  return folders;
}

Registry& Registry::global() {
  static Registry registry;
  static std::once_flag discovered;
  std::call_once(discovered, [] { registry.discover(); });
  return registry;
}

void Registry::discover() {
  std::set<std::string> seen_names;
  for (const auto& folder : search_folders()) {
    std::error_code error;
    if (!std::filesystem::is_directory(folder, error)) continue;
    std::vector<std::filesystem::path> candidates;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
      std::string file = entry.path().filename().string();
      if (file.starts_with(kPrefix) && file.ends_with(kSuffix)) candidates.push_back(entry.path());
    }
    std::sort(candidates.begin(), candidates.end());
    for (const auto& path : candidates) {
      std::string file = path.filename().string();
      std::string name = file.substr(kPrefix.size(), file.size() - kPrefix.size() - kSuffix.size());
      if (seen_names.contains(name)) continue;  // earlier folders take precedence
      auto loaded = Backend::load(std::filesystem::canonical(path, error).string());
      if (!loaded.ok()) {
        load_failures_.push_back(loaded.error().to_string());
        continue;
      }
      seen_names.insert(name);
      backends_.push_back(std::move(loaded).value());
    }
  }
}

std::shared_ptr<Backend> Registry::find(std::string_view name) const {
  for (const auto& backend : backends_) {
    if (backend->name() == name) return backend;
  }
  return nullptr;
}

Result<std::shared_ptr<Backend>> Registry::load(const std::string& path) {
  TESSERA_ASSIGN_OR_RETURN(auto backend, Backend::load(path));
  backends_.push_back(backend);
  return backend;
}

Result<Device> Registry::device(std::string_view label) const {
  auto colon = label.find(':');
  std::string_view name = label.substr(0, colon);
  int index = 0;
  if (colon != std::string_view::npos) {
    std::string digits(label.substr(colon + 1));
    char* end = nullptr;
    long parsed = std::strtol(digits.c_str(), &end, 10);
    if (digits.empty() || *end != '\0' || parsed < 0 || parsed > 1024) {
      return make_error(ErrorCode::kInvalidArgument, "device '{}': bad index", label);
    }
    index = static_cast<int>(parsed);
  }
  auto backend = find(name);
  if (!backend) {
    std::string known;
    for (const auto& loaded : backends_) known += (known.empty() ? "" : ", ") + loaded->name();
    return make_error(ErrorCode::kNotFound, "device '{}': no backend named '{}' is loaded (loaded: {})", label, name,
                      known.empty() ? "none" : known);
  }
  if (index >= backend->device_count()) {
    return make_error(ErrorCode::kNotFound, "device '{}': backend has {} device(s)", label, backend->device_count());
  }
  return Device(backend, index);
}

}  // namespace tessera::runtime
