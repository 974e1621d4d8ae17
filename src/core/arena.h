// Arena: a bump allocator that owns the memory of one batch of events.
//
// Every string, array and object of the events in a batch lives in the batch's
// arena, so building an event costs pointer bumps instead of heap allocations, and
// freeing a batch frees everything at once. Memory is handed out in blocks; an
// allocation larger than a quarter block gets a block of its own.
//
// Not thread-safe: one thread allocates at a time (the thread that owns the batch).
// Memory is never moved, so pointers stay valid until the arena is destroyed or
// reset().
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace sluice {

class Arena {
 public:
  static constexpr size_t kDefaultBlockBytes = 64 * 1024;

  explicit Arena(size_t block_bytes = kDefaultBlockBytes) : block_bytes_(block_bytes) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  void* allocate(size_t bytes, size_t align = alignof(std::max_align_t)) {
    uintptr_t p = (reinterpret_cast<uintptr_t>(cursor_) + (align - 1)) & ~(uintptr_t(align) - 1);
    if (p + bytes <= reinterpret_cast<uintptr_t>(end_) && cursor_ != nullptr) {
      cursor_ = reinterpret_cast<char*>(p + bytes);
      return reinterpret_cast<void*>(p);
    }
    return allocate_slow(bytes, align);
  }

  template <typename T>
  T* allocate_array(size_t count) {
    static_assert(std::is_trivially_destructible_v<T>, "arena memory is never destructed");
    return static_cast<T*>(allocate(sizeof(T) * (count == 0 ? 1 : count), alignof(T)));
  }

  // Copies `text` into the arena; the view stays valid as long as the arena.
  std::string_view copy_string(std::string_view text) {
    if (text.empty()) return {};
    char* p = static_cast<char*>(allocate(text.size(), 1));
    std::memcpy(p, text.data(), text.size());
    return {p, text.size()};
  }

  // Bytes handed out plus block slack; what this arena costs in memory.
  size_t bytes_reserved() const { return bytes_reserved_; }

  // Forgets every allocation but keeps one block for reuse.
  void reset();

 private:
  void* allocate_slow(size_t bytes, size_t align);

  size_t block_bytes_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cursor_ = nullptr;
  char* end_ = nullptr;
  size_t bytes_reserved_ = 0;
};

}  // namespace sluice
