#include <gtest/gtest.h>

#include <cstdint>

#include "core/arena.h"

namespace sluice {
namespace {

TEST(Arena, AllocationsAreAlignedAndDistinct) {
  Arena arena(256);
  void* a = arena.allocate(3, 1);
  void* b = arena.allocate(8, 8);
  void* c = arena.allocate(16, 16);
  EXPECT_NE(a, b);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % 8, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(c) % 16, 0u);
}

TEST(Arena, LargeAllocationsGetTheirOwnBlockAndEarlierMemoryStaysValid) {
  Arena arena(1024);
  std::string_view first = arena.copy_string("keep me");
  char* big = static_cast<char*>(arena.allocate(1 << 20, 1));
  std::memset(big, 'x', 1 << 20);
  for (int i = 0; i < 1000; ++i) arena.copy_string("filler text to spill over blocks");
  EXPECT_EQ(first, "keep me");
  EXPECT_GE(arena.bytes_reserved(), size_t(1 << 20));
}

TEST(Arena, ResetKeepsOneBlockForReuse) {
  Arena arena(4096);
  for (int i = 0; i < 100; ++i) arena.allocate(1000, 8);
  size_t before = arena.bytes_reserved();
  arena.reset();
  EXPECT_LT(arena.bytes_reserved(), before);
  EXPECT_NE(arena.allocate(100, 8), nullptr);
}

TEST(Arena, EmptyStringCopiesNothing) {
  Arena arena;
  EXPECT_TRUE(arena.copy_string("").empty());
  EXPECT_NE(arena.allocate_array<int>(0), nullptr);
}

}  // namespace
}  // namespace sluice
