// The conformance suite: every op x dtype signature x several shapes, run on a loaded backend and
// compared with the references in src/ops. Used by tests/conformance and `tessera conformance`.
//
// Tolerances (an output element passes when |got - want| <= absolute + relative * |want| + bound):
//   get_rows, set_rows            exact up to 1e-6 relative (dequantization is exact in float)
//   add, mul, scale, swiglu, silu, gelu, softmax, rms_norm      1e-5 relative + 1e-6 absolute
//   rope                          1e-5 relative + 1e-5 absolute (angles within float rounding)
//   attention F32 cache           1e-4 relative + 1e-5 absolute; F16 cache 1e-3 relative + 1e-4 absolute
//   matmul                        bound = sum_i |w_i| * e_i + 3e-5 * sum_i |w_i x_i|, where e_i is the error
//                                 of activation element i after the conversion the weight dtype implies in
//                                 llama.cpp (Q8_0/Q8_1: half a step of the block scale amax/127 plus the f16
//                                 rounding of that scale; Q8_K: half a step; F16: 2^-11 |x|; BF16: 2^-8 |x|)
// A signature whose kernel the backend does not list is "unsupported", never a failure.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "ops/conformance/host_tensor.h"
#include "runtime/backend.h"
#include "tessera/backend_abi.h"

namespace tessera::conformance {

struct Tolerance {
  double absolute = 0.0;
  double relative = 0.0;
};

// One op call with its host data. The output holds initial contents (set_rows writes into it).
struct Case {
  std::string name;  // "matmul Q4_K m=3 n_in=512 n_out=16"
  std::int32_t op = 0;
  std::vector<HostTensor> inputs;
  HostTensor output;
  tessera_op_params params{};
  std::vector<float> freq_factors;  // rope: [n_rot / 2] when used
  Tolerance tolerance;
  std::vector<double> element_bound;  // extra allowed error per output element (matmul), or empty

  // The call over this case's host memory.
  tessera_op_call host_call();
};

// The whole library, or the cases of the named ops ("matmul", "rope", ...) when `ops` is not empty.
std::vector<Case> build_cases(const std::vector<std::string>& ops = {});
// Case builders, one per op family (cases_*.cpp).
void add_elementwise_cases(std::vector<Case>& cases);
void add_row_cases(std::vector<Case>& cases);  // get_rows, set_rows, rms_norm, softmax, rope
void add_matmul_cases(std::vector<Case>& cases);
void add_attention_cases(std::vector<Case>& cases);

enum class Outcome { kPassed, kFailed, kUnsupported };
const char* outcome_name(Outcome outcome);

struct CaseResult {
  std::string op;         // "matmul"
  std::string signature;  // "matmul(Q4_K, F32) -> F32"
  std::string name;
  Outcome outcome = Outcome::kPassed;
  double worst_ratio = 0.0;  // largest error / allowed error over the output (<= 1 passes)
  std::string message;       // why it failed
};

struct Report {
  std::string backend;  // name and origin
  std::string device;
  std::string settings;  // e.g. "isa=avx2 threads=3"
  std::vector<CaseResult> results;
  std::vector<std::string> uncovered_kernels;  // kernels the backend lists that no case exercised

  int count(Outcome outcome) const;
  bool passed() const { return count(Outcome::kFailed) == 0; }
  // Per signature: passed / failed / unsupported, then the failures in detail.
  std::string text() const;
  std::string json() const;
};

struct Options {
  int device = 0;
  std::vector<std::string> ops;  // empty: all
  std::string settings;          // label only, for the report
};

Result<Report> run(const std::shared_ptr<runtime::Backend>& backend, const Options& options = {});

}  // namespace tessera::conformance
