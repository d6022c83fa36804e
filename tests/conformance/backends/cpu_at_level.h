// Runs one op on the CPU backend with its kernels capped at an instruction-set level, for the tests
// that compare the levels bit for bit. The operands are host memory, read back after the call.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "runtime/backend.h"
#include "runtime/device.h"

namespace tessera {

inline void run_cpu_at_level(const std::string& isa, const tessera_op_call& call) {
  auto backend = runtime::Backend::load(std::string(TESSERA_BACKEND_DIR) + "/libtessera_backend_cpu.so")
                     .value_or_throw();
  EXPECT_TRUE(backend->configure("isa", isa).ok()) << isa;
  runtime::Device device(backend, 0);
  auto stream = runtime::Stream::create(device).value_or_throw();
  EXPECT_TRUE(stream->run(call).ok()) << isa;
}

}  // namespace tessera
