#include <gtest/gtest.h>

#include "test_support.hpp"

#include "moest/errors.hpp"
#include "moest/model/spec.hpp"

namespace moest {
namespace {

using test::ErrorOf;

TEST(Spec, ParsesFamilyAndOptions) {
  const ComponentSpec spec = ParseSpec(" softmax( temperature = 0.5, top_k=2 ) ");
  EXPECT_EQ(spec.family, "softmax");
  EXPECT_EQ(spec.Number("temperature", 1.0), 0.5);
  EXPECT_EQ(spec.Integer("top_k", 0, 1), 2);
  EXPECT_EQ(spec.Number("absent", 7.0), 7.0);
  EXPECT_EQ(ParseSpec("gaussian").options.size(), 0u);
  EXPECT_EQ(ParseSpec("gaussian()").family, "gaussian");
}

TEST(Spec, RoundTripsThroughText) {
  const ComponentSpec spec = ParseSpec("softmax(top_k = 2, temperature = 0.5)");
  EXPECT_EQ(spec.ToString(), "softmax(temperature = 0.5, top_k = 2)");
  EXPECT_EQ(ParseSpec(spec.ToString()).options, spec.options);
}

TEST(Spec, BadTextAndValuesNameTheOption) {
  EXPECT_NE(ErrorOf([] { ParseSpec("softmax(temperature)"); }).find("needs a value"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseSpec("softmax(a = 1"); }).find("closing"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseSpec("(a = 1)"); }).find("family"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseSpec("t(nu = 1, nu = 2)"); }).find("twice"), std::string::npos);
  const ComponentSpec spec = ParseSpec("t(nu = abc, k = 1.5)");
  EXPECT_NE(ErrorOf([&] { spec.Number("nu", 1); }).find("'nu'"), std::string::npos);
  EXPECT_NE(ErrorOf([&] { spec.Integer("k", 1, 1); }).find("whole number"), std::string::npos);
  EXPECT_NE(ErrorOf([&] { spec.CheckKnown({"nu"}); }).find("'k'"), std::string::npos);
}

}  // namespace
}  // namespace moest
