// Error and Result: how every layer reports failure. Parsers of untrusted input return Result;
// module boundaries may throw tessera::Exception carrying the same Error.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace tessera {

enum class ErrorCode : std::uint8_t {
  kInvalidArgument,  // caller passed something malformed
  kInvalidFormat,    // a file or message does not follow its format
  kOutOfRange,       // an index, offset or size lies outside its bounds
  kUnsupported,      // valid, but not implemented by this build or backend
  kNotFound,         // a named thing (file, key, tensor, kernel) does not exist
  kIo,               // the operating system refused a read, write or map
  kOutOfMemory,      // an allocation failed or would exceed a limit
  kInternal,         // a broken invariant inside Tessera
};

const char* error_code_name(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid format: model.gguf: tensor 'x' offset 123 past end of file (size 100)"
  std::string to_string() const;

 private:
  ErrorCode code_;
  std::string message_;
};

template <typename... Args>
Error make_error(ErrorCode code, fmt::format_string<Args...> format, Args&&... args) {
  return Error(code, fmt::format(format, std::forward<Args>(args)...));
}

// Thrown only where a Result cannot be returned (constructors, CLI boundaries).
class Exception : public std::runtime_error {
 public:
  explicit Exception(Error error) : std::runtime_error(error.to_string()), error_(std::move(error)) {}
  const Error& error() const { return error_; }

 private:
  Error error_;
};

// Result<T>: either a value or an Error. Result<void> carries only success or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return check_value(), std::get<0>(state_); }
  const T& value() const& { return check_value(), std::get<0>(state_); }
  T&& value() && { return check_value(), std::move(std::get<0>(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::move(std::get<1>(state_)); }

  // Returns the value or throws Exception: for boundaries where failure ends the operation.
  T value_or_throw() && {
    if (!ok()) throw Exception(std::get<1>(std::move(state_)));
    return std::get<0>(std::move(state_));
  }

 private:
  void check_value() const {
    if (!ok()) throw Exception(std::get<1>(state_));
  }
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), has_error_(true) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return !has_error_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }
  void value_or_throw() const {
    if (has_error_) throw Exception(error_);
  }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool has_error_ = false;
};

}  // namespace tessera

// TESSERA_TRY(expr): evaluates a Result<void>-like expression and returns its error from the caller.
#define TESSERA_TRY(expression)                         \
  do {                                                  \
    auto tessera_try_result_ = (expression);            \
    if (!tessera_try_result_.ok()) return std::move(tessera_try_result_).error(); \
  } while (false)

// TESSERA_ASSIGN_OR_RETURN(lhs, expr): unwraps a Result<T> into lhs or returns its error.
#define TESSERA_CONCAT_INNER(a, b) a##b
#define TESSERA_CONCAT(a, b) TESSERA_CONCAT_INNER(a, b)
#define TESSERA_ASSIGN_OR_RETURN(lhs, expression)                                      \
  auto TESSERA_CONCAT(tessera_result_, __LINE__) = (expression);                       \
  if (!TESSERA_CONCAT(tessera_result_, __LINE__).ok())                                 \
    return std::move(TESSERA_CONCAT(tessera_result_, __LINE__)).error();               \
  lhs = std::move(TESSERA_CONCAT(tessera_result_, __LINE__)).value()
