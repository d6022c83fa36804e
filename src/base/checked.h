// Overflow-safe arithmetic for sizes and offsets read from untrusted input.
#pragma once

#include <cstdint>
#include <optional>

namespace tessera {

inline std::optional<std::uint64_t> checked_add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

inline std::optional<std::uint64_t> checked_mul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

// True when [offset, offset + size) lies inside [0, limit).
inline bool range_within(std::uint64_t offset, std::uint64_t size, std::uint64_t limit) {
  auto end = checked_add(offset, size);
  return end.has_value() && *end <= limit;
}

inline bool is_power_of_two(std::uint64_t value) { return value != 0 && (value & (value - 1)) == 0; }

// Rounds value up to a multiple of alignment (a power of two); nullopt on overflow.
inline std::optional<std::uint64_t> checked_align_up(std::uint64_t value, std::uint64_t alignment) {
  auto bumped = checked_add(value, alignment - 1);
  if (!bumped) return std::nullopt;
  return *bumped & ~(alignment - 1);
}

}  // namespace tessera
