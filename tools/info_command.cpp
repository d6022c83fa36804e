// `tessera info FILE`: a model file's metadata, tensors, types and parameter count.
// `tessera info --ops`: each loaded backend's op x dtype support matrix.
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <fmt/format.h>

#include "formats/gguf_reader.h"
#include "runtime/registry.h"
#include "tools/command.h"

namespace tessera::cli {

namespace {

int print_file(const std::string& path, bool all_tensors) {
  auto file = gguf::File::open(path);
  if (!file.ok()) {
    std::fprintf(stderr, "tessera: %s\n", file.error().to_string().c_str());
    return 1;
  }
  fmt::print("file: {}\nformat: GGUF v{}, {} bytes, alignment {}, data at {}\n", path, file->version(),
             file->file_size(), file->alignment(), file->data_offset());
  fmt::print("\nmetadata ({} keys):\n", file->metadata().size());
  for (const auto& entry : file->metadata()) {
    fmt::print("  {:<48} {}\n", entry.key, entry.value.to_display_string());
  }
  std::map<std::string, std::pair<std::int64_t, std::uint64_t>> by_type;  // name -> (elements, bytes)
  std::int64_t parameters = 0;
  for (const auto& tensor : file->tensors()) {
    auto& totals = by_type[std::string(dtype_name(tensor.dtype))];
    totals.first += tensor.element_count();
    totals.second += tensor.size_bytes;
    parameters += tensor.element_count();
  }
  fmt::print("\ntensors ({}):\n", file->tensors().size());
  std::size_t shown = 0;
  for (const auto& tensor : file->tensors()) {
    if (!all_tensors && shown == 24) {
      fmt::print("  ... {} more (--all-tensors lists every tensor)\n", file->tensors().size() - shown);
      break;
    }
    std::string shape;
    for (auto extent : tensor.shape) shape += (shape.empty() ? "" : ", ") + std::to_string(extent);
    fmt::print("  {:<40} {:<6} [{}]\n", tensor.name, dtype_name(tensor.dtype), shape);
    ++shown;
  }
  fmt::print("\ntypes:\n");
  for (const auto& [name, totals] : by_type) {
    fmt::print("  {:<6} {:>14} parameters {:>14} bytes\n", name, totals.first, totals.second);
  }
  fmt::print("\nparameters: {} ({:.1f} M)\n", parameters, static_cast<double>(parameters) / 1e6);
  return 0;
}

int print_ops() {
  auto& registry = runtime::Registry::global();
  for (const auto& failure : registry.load_failures()) fmt::print("refused backend: {}\n", failure);
  if (registry.backends().empty()) {
    std::fprintf(stderr, "tessera: no backend found (searched: %s)\n",
                 fmt::format("{}", fmt::join(runtime::Registry::search_folders(), ", ")).c_str());
    return 1;
  }
  for (const auto& backend : registry.backends()) {
    fmt::print("backend {} ({}), ABI v{}, {} device(s), {} kernels\n", backend->name(), backend->origin(),
               backend->table().abi_version, backend->device_count(), backend->kernels().size());
    for (int device = 0; device < backend->device_count(); ++device) {
      auto info = backend->device_info(device);
      if (info.ok()) fmt::print("  device {}: {}\n", device, info->name);
    }
    // op -> set of signatures
    std::map<std::string, std::set<std::string>> matrix;
    for (const auto& entry : backend->kernels()) {
      auto key = runtime::KernelKey::from_entry(entry);
      matrix[runtime::op_name(entry.op)].insert(key.to_string());
    }
    for (int op = 1; op < TESSERA_OP_COUNT; ++op) {
      auto found = matrix.find(runtime::op_name(op));
      if (found == matrix.end()) {
        fmt::print("  {:<10} unsupported\n", runtime::op_name(op));
        continue;
      }
      for (const auto& signature : found->second) fmt::print("  {:<10} {}\n", runtime::op_name(op), signature);
    }
  }
  return 0;
}

}  // namespace

CommandRunner add_info_command(CLI::App& root) {
  auto* command = root.add_subcommand("info", "Show a model file's metadata and tensors, or the backends' op support");
  auto path = std::make_shared<std::string>();
  auto ops = std::make_shared<bool>(false);
  auto all_tensors = std::make_shared<bool>(false);
  command->add_option("file", *path, "GGUF model file");
  command->add_flag("--ops", *ops, "Print each loaded backend's op x dtype support matrix");
  command->add_flag("--all-tensors", *all_tensors, "List every tensor");
  return [path, ops, all_tensors]() -> int {
    if (*ops) return print_ops();
    if (path->empty()) {
      std::fprintf(stderr, "tessera: info needs a FILE or --ops\n");
      return 1;
    }
    return print_file(*path, *all_tensors);
  };
}

}  // namespace tessera::cli
