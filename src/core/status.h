// Status and Result<T>: expected failures as values.
//
// Bad input, I/O errors and unreachable servers are not exceptional in a data
// pipeline; they are returned as a Status that says what failed and where. A
// Result<T> holds either a T or a non-ok Status. Exceptions are reserved for
// programming errors and start-up, never the per-event hot loop.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace sluice {

enum class StatusCode : unsigned char {
  kOk = 0,
  kInvalidArgument,    // the input is malformed (bad JSON, bad literal, bad expression)
  kNotFound,           // a file, field or key that should exist does not
  kIoError,            // the operating system refused (open, write, fsync)
  kCorruption,         // stored data fails its checksum or framing
  kUnavailable,        // a server or queue cannot take the request now; retry later
  kResourceExhausted,  // a configured bound was reached (size, depth, memory)
  kInternal,           // a bug: an invariant did not hold
  kTooLarge,           // one item is larger than its destination ever takes (a record over
                       // Kafka's message.max.bytes): no retry helps, the others can go on
};

const char* status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return Status(); }
  static Status invalid(std::string message) {
    return Status(StatusCode::kInvalidArgument, std::move(message));
  }
  static Status not_found(std::string message) {
    return Status(StatusCode::kNotFound, std::move(message));
  }
  static Status io_error(std::string message) {
    return Status(StatusCode::kIoError, std::move(message));
  }
  static Status corruption(std::string message) {
    return Status(StatusCode::kCorruption, std::move(message));
  }
  static Status unavailable(std::string message) {
    return Status(StatusCode::kUnavailable, std::move(message));
  }
  static Status exhausted(std::string message) {
    return Status(StatusCode::kResourceExhausted, std::move(message));
  }
  static Status too_large(std::string message) {
    return Status(StatusCode::kTooLarge, std::move(message));
  }
  static Status internal(std::string message) {
    return Status(StatusCode::kInternal, std::move(message));
  }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid argument: <message>"; used in logs. User-facing errors print message().
  std::string to_string() const;

  // Prefixes the message with context, e.g. with_context("segment 00042.log").
  Status with_context(const std::string& context) const {
    if (is_ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : storage_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(storage_).is_ok() && "Result built from an ok Status");
  }

  bool is_ok() const { return std::holds_alternative<T>(storage_); }
  explicit operator bool() const { return is_ok(); }

  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<Status>(storage_);
  }
  T& value() & { return std::get<T>(storage_); }
  const T& value() const& { return std::get<T>(storage_); }
  T&& value() && { return std::get<T>(std::move(storage_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> storage_;
};

// An operating-system error (errno) as a Status, "<what>: <strerror>": ENOSPC and
// EDQUOT (a full disk) become kResourceExhausted, ENOENT kNotFound, others kIoError.
Status errno_status(int error, const std::string& what);

}  // namespace sluice

// Returns early from the enclosing function when `expr` is not ok.
#define SLUICE_RETURN_IF_ERROR(expr)            \
  do {                                          \
    ::sluice::Status sluice_status_ = (expr);   \
    if (!sluice_status_.is_ok()) return sluice_status_; \
  } while (0)
