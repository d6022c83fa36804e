#include "engine/weights.h"

#include <fmt/format.h>

namespace tessera::engine {

namespace {
std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t index = 0; index < shape.size(); ++index)
    text += fmt::format("{}{}", index ? ", " : "", shape[index]);
  return text + "]";
}
}  // namespace

Result<Tensor> WeightLoader::load(const std::string& name, std::initializer_list<std::int64_t> shape) {
  const gguf::TensorInfo* info = file_.find_tensor(name);
  if (info == nullptr) return make_error(ErrorCode::kNotFound, "{}: tensor '{}' missing", file_.path(), name);
  std::vector<std::int64_t> expected(shape);
  // GGUF writers may drop trailing 1-sized outer dimensions; compare with those removed.
  std::vector<std::int64_t> actual = info->shape;
  while (actual.size() < expected.size() && expected.front() == 1) expected.erase(expected.begin());
  if (actual != expected) {
    return make_error(ErrorCode::kInvalidFormat, "{}: tensor '{}' has shape {}, the architecture needs {}",
                      file_.path(), name, shape_text(info->shape),
                      shape_text(std::vector<std::int64_t>(shape)));
  }
  parameter_count_ += info->element_count();
  void* data = const_cast<std::uint8_t*>(info->data);
  if (!device_.host_accessible()) {
    TESSERA_ASSIGN_OR_RETURN(auto buffer, runtime::Buffer::allocate(device_, info->size_bytes));
    TESSERA_ASSIGN_OR_RETURN(auto stream, runtime::Stream::create(device_));
    TESSERA_TRY(stream->copy_to_device(buffer.data(), info->data, info->size_bytes));
    TESSERA_TRY(stream->synchronize());
    data = buffer.data();
    buffers_.push_back(std::move(buffer));
  }
  return Tensor(data, info->dtype, std::span<const std::int64_t>(info->shape));
}

Result<Tensor> WeightLoader::load_matmul(const std::string& name, std::initializer_list<std::int64_t> shape) {
  TESSERA_ASSIGN_OR_RETURN(Tensor plain, load(name, shape));
  return pack_mapped(plain, name);
}

Result<Tensor> WeightLoader::pack_mapped(const Tensor& plain, const std::string& name) {
  TESSERA_ASSIGN_OR_RETURN(Tensor packed, pack_for_matmul(plain));
  // The packed copy replaces the mapped bytes, which need not stay resident.
  if (packed.layout() != TESSERA_LAYOUT_PLAIN) file_.drop_tensor_pages(*file_.find_tensor(name));
  return packed;
}

Result<Tensor> WeightLoader::pack_for_matmul(const Tensor& weight) {
  TESSERA_ASSIGN_OR_RETURN(auto packed,
                           runtime::pack_weight(device_, TESSERA_OP_MATMUL, weight.descriptor()));
  if (packed.buffer.data() == nullptr) return weight;
  Tensor result = Tensor::packed(packed.tensor, packed.layout);
  buffers_.push_back(std::move(packed.buffer));
  return result;
}

Result<std::vector<StackedPart>> WeightLoader::load_stacked_matmul(
    const std::vector<std::pair<std::string, std::int64_t>>& parts, std::int64_t n_in) {
  std::vector<Tensor> plain;
  for (const auto& [name, rows] : parts) {
    TESSERA_ASSIGN_OR_RETURN(Tensor weight, load(name, {rows, n_in}));
    plain.push_back(weight);
  }
  std::vector<StackedPart> stacked;
  std::int64_t column = 0;
  for (std::size_t begin = 0; begin < plain.size();) {
    std::size_t end = begin + 1;
    std::int64_t rows = plain[begin].dim(0);
    for (; end < plain.size() && plain[end].dtype() == plain[begin].dtype(); ++end) rows += plain[end].dim(0);
    Tensor together;
    // Mapped weights are stacked on the host; a device with memory of its own packs each one.
    if (end - begin > 1 && device_.host_accessible()) {
      TESSERA_ASSIGN_OR_RETURN(together, pack_stacked(std::span(plain).subspan(begin, end - begin), rows));
    }
    if (together.data() != nullptr) {
      stacked.push_back({together, column, rows});
      for (std::size_t index = begin; index < end; ++index)
        file_.drop_tensor_pages(*file_.find_tensor(parts[index].first));
      column += rows;
    } else {
      for (std::size_t index = begin; index < end; ++index) {
        TESSERA_ASSIGN_OR_RETURN(Tensor packed, pack_mapped(plain[index], parts[index].first));
        stacked.push_back({packed, column, plain[index].dim(0)});
        column += plain[index].dim(0);
      }
    }
    begin = end;
  }
  return stacked;
}

Result<Tensor> WeightLoader::pack_stacked(std::span<const Tensor> plain, std::int64_t rows) {
  const Tensor& first = plain.front();
  std::vector<std::uint8_t> bytes;
  for (const Tensor& weight : plain) {
    const auto* data = static_cast<const std::uint8_t*>(weight.data());
    bytes.insert(bytes.end(), data, data + weight.byte_size());
  }
  const Tensor together(bytes.data(), first.dtype(), {rows, first.dim(1)});  // [rows, n_in]
  TESSERA_ASSIGN_OR_RETURN(Tensor packed, pack_for_matmul(together));
  // A plain result would point into `bytes`, which end here.
  if (packed.layout() == TESSERA_LAYOUT_PLAIN) return Tensor();
  return packed;
}

Result<Tensor> WeightLoader::load_optional(const std::string& name,
                                           std::initializer_list<std::int64_t> shape) {
  if (!contains(name)) return Tensor();
  return load(name, shape);
}

}  // namespace tessera::engine
