#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "core/field_names.h"

namespace sluice {
namespace {

TEST(FieldNames, SameNameSameIdAndNameRoundTrips) {
  FieldId a = FieldNames::intern("field_names_test.alpha");
  EXPECT_EQ(FieldNames::intern("field_names_test.alpha"), a);
  EXPECT_EQ(FieldNames::name(a), "field_names_test.alpha");
  EXPECT_NE(FieldNames::intern("field_names_test.beta"), a);
  EXPECT_EQ(FieldNames::find("field_names_test.alpha"), a);
  EXPECT_FALSE(FieldNames::find("field_names_test.never_interned").has_value());
}

TEST(FieldNames, OverlongNameIsRefused) {
  std::string huge(FieldNames::kMaxNameBytes + 1, 'x');
  EXPECT_EQ(FieldNames::intern(huge), kInvalidFieldId);
  EXPECT_NE(FieldNames::intern(std::string(100, 'y')), kInvalidFieldId);
}

TEST(FieldNames, ConcurrentInterningAgreesOnIds) {
  constexpr int kThreads = 4;
  constexpr int kNames = 2000;
  std::vector<std::vector<FieldId>> ids(kThreads, std::vector<FieldId>(kNames));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &ids] {
      // Each thread walks the names in a different order to race on first sight.
      for (int i = 0; i < kNames; ++i) {
        int n = (t % 2 == 0) ? i : kNames - 1 - i;
        ids[t][n] = FieldNames::intern("concurrent_" + std::to_string(n));
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<FieldId> distinct;
  for (int n = 0; n < kNames; ++n) {
    for (int t = 1; t < kThreads; ++t) ASSERT_EQ(ids[t][n], ids[0][n]) << n;
    distinct.insert(ids[0][n]);
    EXPECT_EQ(FieldNames::name(ids[0][n]), "concurrent_" + std::to_string(n));
  }
  EXPECT_EQ(distinct.size(), size_t(kNames));
}

}  // namespace
}  // namespace sluice
