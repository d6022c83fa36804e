// validate() and run_reference() refuse malformed calls with messages naming the problem.
#include <gtest/gtest.h>

#include "ops/conformance/host_tensor.h"
#include "ops/ops.h"

namespace tessera {
namespace {

using conformance::HostTensor;

tessera_op_call matmul_call(HostTensor& weight, HostTensor& x, HostTensor& out) {
  tessera_op_call call{};
  call.op = TESSERA_OP_MATMUL;
  call.n_inputs = 2;
  call.inputs[0] = weight.view();
  call.inputs[1] = x.view();
  call.output = out.view();
  return call;
}

TEST(OpValidation, AcceptsAWellFormedMatmul) {
  HostTensor weight(TESSERA_DTYPE_Q4_0, {4, 64}), x(TESSERA_DTYPE_F32, {2, 64}), out(TESSERA_DTYPE_F32, {2, 4});
  EXPECT_TRUE(ops::validate(matmul_call(weight, x, out)).ok());
}

TEST(OpValidation, RejectsMismatchedMatmulShapes) {
  HostTensor weight(TESSERA_DTYPE_F32, {4, 64}), x(TESSERA_DTYPE_F32, {2, 63}), out(TESSERA_DTYPE_F32, {2, 4});
  auto status = ops::validate(matmul_call(weight, x, out));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message().find("matmul"), std::string::npos) << status.error().message();
  HostTensor x_good(TESSERA_DTYPE_F32, {2, 64}), out_bad(TESSERA_DTYPE_F32, {2, 5});
  EXPECT_FALSE(ops::validate(matmul_call(weight, x_good, out_bad)).ok());
}

TEST(OpValidation, RejectsPartialQuantizedBlocks) {
  HostTensor weight(TESSERA_DTYPE_Q8_0, {4, 64}), x(TESSERA_DTYPE_F32, {2, 64}), out(TESSERA_DTYPE_F32, {2, 4});
  tessera_op_call call = matmul_call(weight, x, out);
  call.inputs[0].shape[1] = 48;
  call.inputs[1].shape[1] = 48;
  EXPECT_FALSE(ops::validate(call).ok());
}

TEST(OpValidation, RejectsUnknownOpsAndInputCounts) {
  tessera_op_call call{};
  call.op = 999;
  EXPECT_FALSE(ops::validate(call).ok());
  call.op = TESSERA_OP_ADD;
  call.n_inputs = 1;
  EXPECT_FALSE(ops::validate(call).ok());
  call.n_inputs = 42;
  EXPECT_FALSE(ops::validate(call).ok());
}

TEST(OpValidation, RejectsBroadcastThatDoesNotDivide) {
  HostTensor a(TESSERA_DTYPE_F32, {5, 8}), b(TESSERA_DTYPE_F32, {2, 8}), out(TESSERA_DTYPE_F32, {5, 8});
  tessera_op_call call{};
  call.op = TESSERA_OP_ADD;
  call.n_inputs = 2;
  call.inputs[0] = a.view();
  call.inputs[1] = b.view();
  call.output = out.view();
  EXPECT_FALSE(ops::validate(call).ok());
  call.op = TESSERA_OP_SWIGLU;  // no broadcast at all
  EXPECT_FALSE(ops::validate(call).ok());
}

TEST(OpValidation, RopeNeedsEvenRotationWithinTheHead) {
  HostTensor x(TESSERA_DTYPE_F32, {2, 3, 8}), positions(TESSERA_DTYPE_I32, {2}), out(TESSERA_DTYPE_F32, {2, 3, 8});
  tessera_op_call call{};
  call.op = TESSERA_OP_ROPE;
  call.n_inputs = 2;
  call.inputs[0] = x.view();
  call.inputs[1] = positions.view();
  call.output = out.view();
  call.params.rope = {TESSERA_ROPE_NEOX, 8, 10000.0f, 1.0f, nullptr};
  EXPECT_TRUE(ops::validate(call).ok());
  call.params.rope.n_rot = 7;
  EXPECT_FALSE(ops::validate(call).ok());
  call.params.rope.n_rot = 10;
  EXPECT_FALSE(ops::validate(call).ok());
  call.params.rope.n_rot = 8;
  call.params.rope.mode = 5;
  EXPECT_FALSE(ops::validate(call).ok());
}

TEST(OpReferenceData, RejectsOutOfRangeIndices) {
  HostTensor table(TESSERA_DTYPE_F32, {3, 4}), ids(TESSERA_DTYPE_I32, {2}), out(TESSERA_DTYPE_F32, {2, 4});
  ids.i32()[0] = 1;
  ids.i32()[1] = 3;
  tessera_op_call call{};
  call.op = TESSERA_OP_GET_ROWS;
  call.n_inputs = 2;
  call.inputs[0] = table.view();
  call.inputs[1] = ids.view();
  call.output = out.view();
  EXPECT_TRUE(ops::validate(call).ok());
  EXPECT_FALSE(ops::run_reference(call).ok());
  ids.i32()[1] = -1;
  call.inputs[1] = ids.view();
  EXPECT_FALSE(ops::run_reference(call).ok());
}

TEST(OpReferenceData, AttentionRejectsBlocksOutsideTheCache) {
  HostTensor q(TESSERA_DTYPE_F32, {1, 2, 4}), k(TESSERA_DTYPE_F32, {2, 2, 1, 4}), v(TESSERA_DTYPE_F32, {2, 2, 1, 4});
  HostTensor table(TESSERA_DTYPE_I32, {1, 2}), seq(TESSERA_DTYPE_I32, {1}), pos(TESSERA_DTYPE_I32, {1});
  HostTensor out(TESSERA_DTYPE_F32, {1, 2, 4});
  table.i32()[0] = 0;
  table.i32()[1] = 7;  // no such block
  seq.i32()[0] = 0;
  pos.i32()[0] = 3;
  tessera_op_call call{};
  call.op = TESSERA_OP_ATTENTION;
  call.n_inputs = 6;
  HostTensor* inputs[] = {&q, &k, &v, &table, &seq, &pos};
  for (int i = 0; i < 6; ++i) call.inputs[i] = inputs[i]->view();
  call.output = out.view();
  call.params.attention.scale = 0.5f;
  EXPECT_TRUE(ops::validate(call).ok());
  EXPECT_FALSE(ops::run_reference(call).ok());
  table.i32()[1] = 1;
  call.inputs[3] = table.view();
  EXPECT_TRUE(ops::run_reference(call).ok());
  pos.i32()[0] = 4;  // past the block table
  call.inputs[5] = pos.view();
  EXPECT_FALSE(ops::run_reference(call).ok());
}

}  // namespace
}  // namespace tessera
