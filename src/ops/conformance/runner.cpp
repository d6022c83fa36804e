// Runs the cases on a backend: copies each case's tensors to device buffers, runs the kernel the
// backend registered for the call's key, copies the output back and compares it with the reference.
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "ops/common.h"
#include "ops/conformance/conformance.h"
#include "ops/ops.h"
#include "runtime/device.h"
#include "tensor/dtype.h"
#include "tessera/block_formats.h"

namespace tessera::conformance {

tessera_op_call Case::host_call() {
  tessera_op_call call{};
  call.op = op;
  call.n_inputs = static_cast<std::int32_t>(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) call.inputs[i] = inputs[i].view();
  call.output = output.view();
  call.params = params;
  if (op == TESSERA_OP_ROPE) call.params.rope.freq_factors = freq_factors.empty() ? nullptr : freq_factors.data();
  return call;
}

std::vector<Case> build_cases(const std::vector<std::string>& ops) {
  std::vector<Case> cases;
  add_elementwise_cases(cases);
  add_row_cases(cases);
  add_matmul_cases(cases);
  add_attention_cases(cases);
  if (ops.empty()) return cases;
  std::vector<Case> selected;
  for (auto& entry : cases) {
    for (const auto& name : ops) {
      if (name == runtime::op_name(entry.op)) {
        selected.push_back(std::move(entry));
        break;
      }
    }
  }
  return selected;
}

namespace {

// Output values as floats, row by row (F32 or F16 outputs).
std::vector<double> output_values(HostTensor& tensor) {
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(tensor.rows() * tensor.row_length()));
  for (std::int64_t row = 0; row < tensor.rows(); ++row) {
    for (std::int64_t i = 0; i < tensor.row_length(); ++i) {
      if (tensor.layout().dtype == TESSERA_DTYPE_F16) {
        values.push_back(tessera_f16_to_f32(reinterpret_cast<const std::uint16_t*>(tensor.row(row))[i]));
      } else {
        values.push_back(tensor.f32_row(row)[i]);
      }
    }
  }
  return values;
}

// Runs one case on the device; the device output lands in `got`. With `packed`, input 0 is first
// offered to the backend's pack_weight; *layout is the layout the kernel ran with, and stays
// TESSERA_LAYOUT_PLAIN (nothing run) when the backend keeps the plain layout.
Result<void> run_on_device(Case& entry, const runtime::Device& device, runtime::Stream& stream, HostTensor& got,
                           bool packed = false, std::int32_t* layout = nullptr) {
  tessera_op_call call = entry.host_call();
  std::vector<runtime::Buffer> buffers;
  auto upload = [&](tessera_tensor& tensor, const std::vector<std::byte>& bytes) -> Result<void> {
    TESSERA_ASSIGN_OR_RETURN(auto buffer, runtime::Buffer::allocate(device, bytes.size()));
    TESSERA_TRY(stream.copy_to_device(buffer.data(), bytes.data(), bytes.size()));
    tensor.data = buffer.data();
    buffers.push_back(std::move(buffer));
    return {};
  };
  for (std::size_t i = 0; i < entry.inputs.size(); ++i) TESSERA_TRY(upload(call.inputs[i], entry.inputs[i].bytes()));
  TESSERA_TRY(upload(call.output, entry.output.bytes()));
  std::int32_t used_layout = TESSERA_LAYOUT_PLAIN;
  if (packed) {
    TESSERA_ASSIGN_OR_RETURN(auto packed_weight, runtime::pack_weight(device, entry.op, call.inputs[0]));
    if (packed_weight.buffer.data() == nullptr) return {};
    call.inputs[0] = packed_weight.tensor;
    used_layout = packed_weight.layout;
    buffers.push_back(std::move(packed_weight.buffer));
  }
  if (layout != nullptr) *layout = used_layout;
  TESSERA_TRY(stream.run(call, used_layout));
  TESSERA_TRY(stream.synchronize());
  got = entry.output;
  TESSERA_TRY(stream.copy_to_host(got.bytes().data(), call.output.data, got.bytes().size()));
  return {};
}

CaseResult compare(const Case& entry, HostTensor& want_tensor, HostTensor& got_tensor) {
  CaseResult result;
  const std::vector<double> want = output_values(want_tensor);
  const std::vector<double> got = output_values(got_tensor);
  std::size_t worst_index = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    double allowed = entry.tolerance.absolute + entry.tolerance.relative * std::fabs(want[i]);
    if (!entry.element_bound.empty()) allowed += entry.element_bound[i];
    const double error = std::fabs(got[i] - want[i]);
    double ratio = error == 0.0 ? 0.0 : (allowed > 0.0 ? error / allowed : INFINITY);
    if (std::isnan(got[i]) != std::isnan(want[i]) || std::isnan(error)) ratio = INFINITY;
    if (ratio > result.worst_ratio || (i == 0 && ratio == INFINITY)) {
      result.worst_ratio = ratio;
      worst_index = i;
    }
  }
  if (result.worst_ratio > 1.0) {
    result.outcome = Outcome::kFailed;
    const std::int64_t n = got_tensor.row_length();
    result.message = fmt::format("element [{}, {}]: got {:.9g}, want {:.9g} ({:.3g}x the allowed error)",
                                 static_cast<std::int64_t>(worst_index) / n, static_cast<std::int64_t>(worst_index) % n,
                                 got[worst_index], want[worst_index], result.worst_ratio);
  }
  return result;
}

CaseResult evaluate(Case& entry, const runtime::Device& device, runtime::Stream& stream, HostTensor& want, bool packed,
                    std::int32_t* layout) {
  CaseResult result;
  HostTensor got;
  auto status = run_on_device(entry, device, stream, got, packed, layout);
  if (!status.ok()) {
    result.outcome = Outcome::kFailed;
    result.message = status.error().message();
  } else if (!packed || *layout != TESSERA_LAYOUT_PLAIN) {
    result = compare(entry, want, got);
  }
  return result;
}

}  // namespace

Result<Report> run(const std::shared_ptr<runtime::Backend>& backend, const Options& options) {
  Report report;
  report.backend = fmt::format("{} ({})", backend->name(), backend->origin());
  report.settings = options.settings;
  runtime::Device device(backend, options.device);
  TESSERA_ASSIGN_OR_RETURN(auto info, device.info());
  report.device = info.name;
  TESSERA_ASSIGN_OR_RETURN(auto stream, runtime::Stream::create(device));

  std::set<std::string> covered;
  std::vector<Case> cases = build_cases(options.ops);
  for (auto& entry : cases) {
    CaseResult result;
    const runtime::KernelKey key = runtime::KernelKey::from_call(entry.host_call());
    result.op = runtime::op_name(entry.op);
    result.signature = key.to_string();
    result.name = entry.name;
    covered.insert(result.signature);
    if (!stream->supports(key)) {
      result.outcome = Outcome::kUnsupported;
      report.results.push_back(std::move(result));
      continue;
    }
    HostTensor want = entry.output;
    {
      Case reference_case = entry;
      auto status = ops::run_reference(reference_case.host_call());
      if (!status.ok()) return make_error(ErrorCode::kInternal, "conformance case '{}': reference failed: {}", entry.name, status.error().message());
      want = std::move(reference_case.output);
    }
    const CaseResult plain = evaluate(entry, device, *stream, want, false, nullptr);
    result.outcome = plain.outcome;
    result.worst_ratio = plain.worst_ratio;
    result.message = plain.message;
    report.results.push_back(std::move(result));
    if (entry.op == TESSERA_OP_MATMUL) {  // the same case again on the weight packed by the backend, if it packs
      std::int32_t layout = TESSERA_LAYOUT_PLAIN;
      CaseResult packed = evaluate(entry, device, *stream, want, true, &layout);
      if (layout != TESSERA_LAYOUT_PLAIN || packed.outcome == Outcome::kFailed) {
        packed.op = runtime::op_name(entry.op);
        packed.signature = runtime::KernelKey::from_call(entry.host_call(), layout).to_string();
        packed.name = entry.name + " packed";
        covered.insert(packed.signature);
        report.results.push_back(std::move(packed));
      }
    }
  }
  if (options.ops.empty()) {
    for (const auto& kernel : backend->kernels()) {
      std::string signature = runtime::KernelKey::from_entry(kernel).to_string();
      if (!covered.count(signature)) report.uncovered_kernels.push_back(signature);
    }
  }
  return report;
}

}  // namespace tessera::conformance
