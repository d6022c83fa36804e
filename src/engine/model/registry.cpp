// Maps general.architecture to the loader of that architecture.
#include <functional>
#include <map>

#include "engine/model/llama.h"
#include "engine/model/model.h"
#include "engine/model/qwen2.h"

namespace tessera::engine {

Result<std::unique_ptr<Model>> load_model(const gguf::File& file, const runtime::Device& device) {
  using Loader = std::function<Result<std::unique_ptr<Model>>(const gguf::File&, const runtime::Device&)>;
  static const std::map<std::string, Loader> kLoaders = {
      {"llama", load_llama},
      {"qwen2", load_qwen2},
  };
  TESSERA_ASSIGN_OR_RETURN(std::string architecture, file.get_string("general.architecture"));
  auto found = kLoaders.find(architecture);
  if (found == kLoaders.end()) {
    std::string supported;
    for (const auto& [name, loader] : kLoaders) supported += (supported.empty() ? "" : ", ") + name;
    return make_error(ErrorCode::kUnsupported, "{}: architecture '{}' is not supported (supported: {})",
                      file.path(), architecture, supported);
  }
  return found->second(file, device);
}

}  // namespace tessera::engine
