// The CPU backend with its kernels capped at an instruction-set level, for the tests that compare the
// levels or the weight layouts. Operands are host memory, read back after the call.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "runtime/backend.h"
#include "runtime/device.h"

namespace tessera {

// The CPU backend capped at `isa`, on `threads` threads when given.
inline std::shared_ptr<runtime::Backend> load_cpu_at_level(const std::string& isa,
                                                           const char* threads = nullptr) {
  auto backend = runtime::Backend::load(std::string(TESSERA_BACKEND_DIR) + "/libtessera_backend_cpu.so")
                     .value_or_throw();
  EXPECT_TRUE(backend->configure("isa", isa).ok()) << isa;
  if (threads != nullptr) {
    EXPECT_TRUE(backend->configure("threads", threads).ok()) << threads;
  }
  return backend;
}

// Runs one op at the level `isa`, in the backend's default order of addition or the one named.
inline void run_cpu_at_level(const std::string& isa, const tessera_op_call& call,
                             const char* order = nullptr) {
  auto backend = load_cpu_at_level(isa);
  if (order != nullptr) {
    EXPECT_TRUE(backend->configure("order", order).ok()) << order;
  }
  runtime::Device device(backend, 0);
  auto stream = runtime::Stream::create(device).value_or_throw();
  EXPECT_TRUE(stream->run(call).ok()) << isa;
}

// Runs a matmul `call` whose weight (input 0) is in the plain layout, writing plain_output, then again
// with the weight packed by the backend, writing packed_output.
inline void run_plain_and_packed(const runtime::Device& device, runtime::Stream& stream, tessera_op_call call,
                                 float* plain_output, float* packed_output) {
  call.output.data = plain_output;
  ASSERT_TRUE(stream.run(call).ok());
  auto packed_weight = runtime::pack_weight(device, TESSERA_OP_MATMUL, call.inputs[0]);
  ASSERT_TRUE(packed_weight.ok()) << packed_weight.error().to_string();
  ASSERT_NE(packed_weight->buffer.data(), nullptr) << "the CPU backend packs this dtype";
  call.inputs[0] = packed_weight->tensor;
  call.output.data = packed_output;
  ASSERT_TRUE(stream.run(call, packed_weight->layout).ok());
}

}  // namespace tessera
