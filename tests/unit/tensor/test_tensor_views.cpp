// Views of a tensor's memory: rows, columns and split columns keep addressing the parent's elements.
#include <gtest/gtest.h>

#include <vector>

#include "base/error.h"
#include "tensor/tensor.h"

namespace tessera {
namespace {

// The element at (row, column) of a 2-D view, or (row, group, column) of a 3-D one, read through strides.
float element(const Tensor& view, std::int64_t row, std::int64_t group, std::int64_t column) {
  const tessera_tensor& d = view.descriptor();
  const auto* base = static_cast<const char*>(d.data);
  if (d.n_dims == 2) return *reinterpret_cast<const float*>(base + row * d.stride[0] + column * d.stride[1]);
  return *reinterpret_cast<const float*>(base + row * d.stride[0] + group * d.stride[1] +
                                         column * d.stride[2]);
}

TEST(TensorViews, ColumnsAndSplitColumnsAddressTheParent) {
  std::vector<float> values(4 * 10);  // [4, 10]: value = 100 row + column
  for (int row = 0; row < 4; ++row)
    for (int column = 0; column < 10; ++column)
      values[row * 10 + column] = static_cast<float>(100 * row + column);
  const Tensor matrix(values.data(), DType::kF32, {4, 10});

  const Tensor middle = matrix.columns(2, 6);  // [4, 6]
  EXPECT_EQ(middle.dim(0), 4);
  EXPECT_EQ(middle.dim(1), 6);
  EXPECT_EQ(middle.descriptor().stride[0], 40);
  for (int row = 0; row < 4; ++row)
    for (int column = 0; column < 6; ++column)
      EXPECT_EQ(element(middle, row, 0, column), 100 * row + column + 2);

  const Tensor heads = middle.split_columns(3);  // [4, 3, 2]
  EXPECT_EQ(heads.n_dims(), 3);
  EXPECT_EQ(heads.dim(1), 3);
  EXPECT_EQ(heads.dim(2), 2);
  for (int row = 0; row < 4; ++row)
    for (int group = 0; group < 3; ++group)
      for (int column = 0; column < 2; ++column)
        EXPECT_EQ(element(heads, row, group, column), 100 * row + 2 + 2 * group + column);

  const Tensor lower = matrix.rows(1, 2).columns(9, 1);  // [2, 1]
  EXPECT_EQ(element(lower, 1, 0, 0), 209);
}

TEST(TensorViews, RejectsColumnsOutsideTheTensorAndUnevenSplits) {
  std::vector<float> values(4 * 10);
  const Tensor matrix(values.data(), DType::kF32, {4, 10});
  EXPECT_THROW(matrix.columns(8, 3), Exception);
  EXPECT_THROW(matrix.columns(-1, 2), Exception);
  EXPECT_THROW(matrix.split_columns(3), Exception);
  EXPECT_THROW(matrix.reshaped({40}).columns(0, 1), Exception);
  std::vector<std::uint8_t> blocks(18 * 4);  // Q4_0 [2, 64]: blocks have no single-element columns
  EXPECT_THROW(Tensor(blocks.data(), DType::kQ4_0, {2, 64}).columns(0, 32), Exception);
}

}  // namespace
}  // namespace tessera
