// Microbenchmark of the CPU backend's matmul through the runtime: decode (m = 1, reported as weight
// bytes per second) and prefill (m = 512, reported as FLOP/s) for the common weight dtypes, on the weight
// as the engine loads it (packed by the backend where it packs that dtype) and on the plain layout.
//   matmul_bench [--benchmark_filter=...]; TESSERA_CPU_THREADS, TESSERA_CPU_ISA and TESSERA_CPU_ORDER select
//   the setup, and TESSERA_BACKEND_PATH the backend build (as for `tessera`), e.g. to compare two builds.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/conformance/host_tensor.h"
#include "runtime/backend.h"
#include "runtime/device.h"
#include "runtime/registry.h"
#include "tensor/quantize.h"

namespace {

using namespace tessera;

std::shared_ptr<runtime::Backend> backend() {
  static const std::shared_ptr<runtime::Backend> found = runtime::Registry::global().find("cpu");
  if (found == nullptr) throw std::runtime_error("no CPU backend found (TESSERA_BACKEND_PATH?)");
  return found;
}

// out [m, n_out] = x [m, n_in] times weight [n_out, n_in] transposed.
tessera_op_call matmul_call(const tessera_tensor& weight, float* x, float* out, std::int64_t m,
                            std::int64_t n_in, std::int64_t n_out) {
  tessera_op_call call{};
  call.op = TESSERA_OP_MATMUL;
  call.n_inputs = 2;
  call.inputs[0] = weight;
  call.inputs[1] = conformance::matrix_view(x, TESSERA_DTYPE_F32, m, n_in);
  call.output = conformance::matrix_view(out, TESSERA_DTYPE_F32, m, n_out);
  return call;
}

void matmul(benchmark::State& state, DType dtype, bool pack) {
  const std::int64_t n_out = 576, n_in = 1536, m = state.range(0);
  conformance::Random random(1);
  const std::vector<float> values = conformance::uniform_values(n_out * n_in, random, -1.0f, 1.0f);
  auto weight_bytes = quantize(dtype, values).value_or_throw();
  std::vector<float> x(static_cast<std::size_t>(m * n_in), 0.5f), out(static_cast<std::size_t>(m * n_out));
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = values[i % values.size()];
  runtime::Device device(backend(), 0);
  auto stream = runtime::Stream::create(device).value_or_throw();
  tessera_op_call call = matmul_call(
      conformance::matrix_view(weight_bytes.data(), static_cast<std::int32_t>(dtype), n_out, n_in), x.data(),
      out.data(), m, n_in, n_out);
  runtime::PackedWeight packed;
  if (pack) {
    packed = runtime::pack_weight(device, TESSERA_OP_MATMUL, call.inputs[0]).value_or_throw();
    if (packed.layout == TESSERA_LAYOUT_PLAIN) {
      state.SkipWithError("the backend keeps this dtype in the plain layout");
      return;
    }
    call.inputs[0] = packed.tensor;
  }
  for (auto _ : state) {
    stream->run(call, packed.layout).value_or_throw();
    benchmark::DoNotOptimize(out.data());
  }
  const double iterations = static_cast<double>(state.iterations());
  state.counters["weight_GB/s"] = benchmark::Counter(
      iterations * static_cast<double>(weight_bytes.size()) / 1e9, benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] = benchmark::Counter(
      iterations * 2.0 * static_cast<double>(m * n_in * n_out) / 1e9, benchmark::Counter::kIsRate);
}

// Decode (m = 1) through kStreamedBytes of distinct copies of the weight, one after the other: more than
// the last-level caches seen here (up to 260 MiB), so each call reads its weight from memory, as a decode
// step of a model larger than the caches does.
constexpr std::size_t kStreamedBytes = std::size_t{512} << 20;

void matmul_streamed(benchmark::State& state, DType dtype) {
  const std::int64_t n_out = 576, n_in = 1536;
  conformance::Random random(1);
  const std::vector<float> values = conformance::uniform_values(n_out * n_in, random, -1.0f, 1.0f);
  auto weight_bytes = quantize(dtype, values).value_or_throw();
  std::vector<float> x(values.begin(), values.begin() + n_in), out(static_cast<std::size_t>(n_out));
  runtime::Device device(backend(), 0);
  auto stream = runtime::Stream::create(device).value_or_throw();
  const std::size_t copies = kStreamedBytes / weight_bytes.size();
  const tessera_tensor weight =
      conformance::matrix_view(weight_bytes.data(), static_cast<std::int32_t>(dtype), n_out, n_in);
  std::vector<runtime::PackedWeight> packed(copies);
  for (auto& copy : packed) {
    copy = runtime::pack_weight(device, TESSERA_OP_MATMUL, weight).value_or_throw();
    if (copy.layout == TESSERA_LAYOUT_PLAIN) {
      state.SkipWithError("the backend keeps this dtype in the plain layout");
      return;
    }
  }
  tessera_op_call call = matmul_call(weight, x.data(), out.data(), 1, n_in, n_out);
  std::size_t next = 0;
  for (auto _ : state) {
    call.inputs[0] = packed[next].tensor;
    stream->run(call, packed[next].layout).value_or_throw();
    benchmark::DoNotOptimize(out.data());
    next = next + 1 == copies ? 0 : next + 1;
  }
  state.counters["weight_GB/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(weight_bytes.size()) / 1e9,
      benchmark::Counter::kIsRate);
}

void register_all() {
  for (DType dtype :
       {DType::kQ4_1, DType::kQ8_0, DType::kQ4_K, DType::kQ4_0, DType::kQ5_0, DType::kQ6_K, DType::kF16}) {
    for (bool pack : {true, false}) {
      const std::string name =
          "matmul_576x1536/" + std::string(dtype_name(dtype)) + (pack ? "/packed" : "/plain");
      benchmark::RegisterBenchmark(name.c_str(), matmul, dtype, pack)
          ->Arg(1)
          ->Arg(512)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
    }
    const std::string streamed = "matmul_576x1536_streamed/" + std::string(dtype_name(dtype)) + "/packed";
    benchmark::RegisterBenchmark(streamed.c_str(), matmul_streamed, dtype)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
