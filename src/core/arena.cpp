#include "core/arena.h"

namespace sluice {

void* Arena::allocate_slow(size_t bytes, size_t align) {
  // A big allocation gets a dedicated block so it does not waste the current one.
  if (bytes + align > block_bytes_ / 4) {
    // Not make_unique: that zero-fills, and every byte is written before it is read.
    std::unique_ptr<char[]> block(new char[bytes + align]);
    uintptr_t p = (reinterpret_cast<uintptr_t>(block.get()) + (align - 1)) & ~(uintptr_t(align) - 1);
    bytes_reserved_ += bytes + align;
    // Keep the current block as the bump target: insert the big one before it.
    if (blocks_.empty()) {
      blocks_.push_back(std::move(block));
    } else {
      blocks_.insert(blocks_.end() - 1, std::move(block));
    }
    return reinterpret_cast<void*>(p);
  }
  std::unique_ptr<char[]> block(new char[block_bytes_]);
  cursor_ = block.get();
  end_ = cursor_ + block_bytes_;
  bytes_reserved_ += block_bytes_;
  blocks_.push_back(std::move(block));
  return allocate(bytes, align);
}

void Arena::reset() {
  if (blocks_.empty()) return;
  // Keep the last regular block (the current bump target) if it is a regular one.
  std::unique_ptr<char[]> keep;
  if (cursor_ != nullptr) keep = std::move(blocks_.back());
  blocks_.clear();
  bytes_reserved_ = 0;
  cursor_ = end_ = nullptr;
  if (keep) {
    cursor_ = keep.get();
    end_ = cursor_ + block_bytes_;
    bytes_reserved_ = block_bytes_;
    blocks_.push_back(std::move(keep));
  }
}

}  // namespace sluice
