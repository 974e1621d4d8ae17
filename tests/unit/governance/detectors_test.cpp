// The detectors against a labelled set of values (tests/data/governance): precision
// and recall per detector, and the cases that must never be confused.
#include "governance/detectors.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>

namespace sluice::governance {
namespace {

// The class decides the action, so it must always be right; the detector's name
// may be ambiguous (a 16-digit number can be both a Luhn-valid card of an issuer
// and a valid NIK — both restricted), so its precision and recall are measured.
DataClass class_of_label(const std::string& label) {
  if (label == "payment_card" || label == "nik") return DataClass::kRestricted;
  if (label == "email" || label == "phone") return DataClass::kConfidential;
  return DataClass::kInternal;  // ipv4, ipv6
}

TEST(Detectors, PrecisionAndRecallOnTheLabelledSet) {
  std::ifstream in(std::string(SLUICE_TEST_DATA_DIR) + "/governance/labelled_values.tsv");
  ASSERT_TRUE(in) << "labelled_values.tsv is missing";
  const Detectors detectors = Detectors::builtin();
  struct Counts {
    int true_positive = 0, false_positive = 0, false_negative = 0;
  };
  std::map<std::string, Counts> by;
  std::string line;
  int values = 0, named_wrong = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    const std::string label = line.substr(0, tab), value = line.substr(tab + 1);
    const auto found = detectors.detect(value);
    const std::string got = found ? std::string(found->detector) : "none";
    ++values;
    if (label == "none" || !found) {
      EXPECT_EQ(got, label) << "\"" << value << "\"";
    } else {
      EXPECT_EQ(data_class_name(found->data_class),
                std::string(data_class_name(class_of_label(label))))
          << "\"" << value << "\": labelled " << label << ", detected " << got;
    }
    if (got == label) {
      if (label != "none") ++by[label].true_positive;
      continue;
    }
    ++named_wrong;
    if (label != "none") ++by[label].false_negative;
    if (got != "none") ++by[got].false_positive;
  }
  EXPECT_GT(values, 400);
  std::printf("%d values, %d named wrong\n", values, named_wrong);
  for (const auto& [detector, c] : by) {
    const double precision =
        double(c.true_positive) / std::max(1, c.true_positive + c.false_positive);
    const double recall = double(c.true_positive) / std::max(1, c.true_positive + c.false_negative);
    std::printf("| `%s` | %.3f | %.3f | %d | %d | %d |\n", detector.c_str(), precision, recall,
                c.true_positive, c.false_positive, c.false_negative);
    EXPECT_GE(precision, 0.9) << detector;
    EXPECT_GE(recall, 0.9) << detector;
  }
}

TEST(Detectors, LuhnAndIssuerPrefixDecideCards) {
  EXPECT_TRUE(luhn_valid("4111111111111111"));
  EXPECT_FALSE(luhn_valid("4111111111111112"));
  EXPECT_TRUE(is_payment_card("4111 1111 1111 1111"));
  EXPECT_TRUE(is_payment_card("3782-822463-10005"));     // Amex, 15 digits
  EXPECT_FALSE(is_payment_card("4111.1111.1111.1111"));  // not a way cards are written
  EXPECT_FALSE(is_payment_card("9111111111111119"));     // Luhn-valid, no such issuer
}

TEST(Detectors, NikNeedsARealDateOfBirth) {
  EXPECT_TRUE(is_nik("3174015008900001"));   // 10 Aug 1990, a woman (day + 40)
  EXPECT_TRUE(is_nik("3174012902960001"));   // 29 Feb 1996
  EXPECT_FALSE(is_nik("3174012902970001"));  // 1997 was not a leap year
  EXPECT_FALSE(is_nik("3174013102900001"));  // 31 Feb
  EXPECT_FALSE(is_nik("3174011013900000"));  // month 13... and serial 0000
  EXPECT_FALSE(is_nik("0174011008900001"));  // no province 01
}

TEST(Detectors, TheHighestClassWinsAndPatternsAreWholeValue) {
  Detectors d = Detectors::builtin();
  ASSERT_TRUE(d.add_pattern("employee_id", R"(EMP-\d{6})", DataClass::kConfidential).is_ok());
  EXPECT_EQ(d.detect("EMP-123456")->detector, "employee_id");
  EXPECT_FALSE(d.detect("see EMP-123456 today"));  // whole values only
  EXPECT_EQ(d.detect("4111111111111111")->data_class, DataClass::kRestricted);
  EXPECT_EQ(d.detect("10.1.2.3")->data_class, DataClass::kInternal);
  EXPECT_FALSE(d.add_pattern("broken", "(", DataClass::kPublic).is_ok());
}

}  // namespace
}  // namespace sluice::governance
