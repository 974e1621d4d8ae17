// BoundedQueue: a blocking multi-producer multi-consumer queue with a capacity.
//
// The bound is how backpressure travels upstream: push() waits while the queue is
// full. close() wakes everyone; after it, push() refuses and pop() drains what is
// left, then reports the end.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace sluice::runtime {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Waits for room; false if the queue was closed (the item is not taken).
  bool push(T&& item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Waits for an item; nullopt once the queue is closed and empty.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  // Like pop() but gives up at `deadline`; then returns nullopt with *closed false.
  template <typename Clock, typename Duration>
  std::optional<T> pop_until(const std::chrono::time_point<Clock, Duration>& deadline, bool* closed) {
    std::unique_lock lock(mutex_);
    not_empty_.wait_until(lock, deadline, [&] { return closed_ || !items_.empty(); });
    *closed = closed_ && items_.empty();
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace sluice::runtime
