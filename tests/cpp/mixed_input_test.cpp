// Bad input to mixed-effects fits: clear InputErrors naming the group column or the option.
#include <gtest/gtest.h>

#include "mixed_support.hpp"

namespace moest {
namespace {

using test::ErrorOf;

struct Case {
  test::GroupedData d = test::SimulateGateRandom(20, 5, 0.0, 1.0, 1.0, 1);
  Model prototype = Model::Make("gaussian", "softmax", 2, 2, 2);
  MixedOptions options;
  SilentObserver observer;
  std::string Run(const arma::mat& z) {
    options.groupName = "school";
    return ErrorOf([&] { FitMixed(prototype, d.View(), z, options, observer); });
  }
};

TEST(MixedInput, SingleGroupIsRefused) {
  Case c;
  c.d.group.fill(4);
  EXPECT_NE(c.Run(c.d.ones).find("group column 'school' has a single group ('4')"), std::string::npos);
}

TEST(MixedInput, MessagesNameGroupsByTheirLabels) {
  Case c;
  // Ids 0..G-1 index the labels the user wrote; messages must show the label, never the id.
  c.d.group.fill(0);
  c.options.groupLabels = {"Ashby"};
  std::string message = c.Run(c.d.ones);
  EXPECT_NE(message.find("has a single group ('Ashby')"), std::string::npos) << message;
  c.d.group = arma::regspace<arma::uvec>(0, c.d.y.n_rows - 1) / 5;  // 20 groups of 5
  c.d.group(7) = 20;                                                // a 21st group of one row
  std::vector<std::string> labels;
  for (int g = 0; g < 21; ++g) labels.push_back("school-" + std::string(1, char('a' + g)));
  c.options.groupLabels = labels;
  c.options.placement = RandomPlacement::Expert;
  c.prototype = Model::Make("gaussian", "softmax", 2, 1, 2);
  const arma::mat ones(c.d.y.n_rows, 1, arma::fill::ones);
  message = ErrorOf([&] { FitMixed(c.prototype, Data(c.d.y, c.d.x, ones, &c.d.group), c.d.x, c.options, c.observer); });
  EXPECT_NE(message.find("group 'school-u' of column 'school' has a single row (row 8)"), std::string::npos) << message;
  c.d.group(7) = 1;
  message = c.Run(c.d.ones);
  EXPECT_NE(message.find("varies within group 'school-a' of 'school'"), std::string::npos) << message;
  c.options.groupLabels = {"only-one"};
  message = c.Run(c.d.ones);
  EXPECT_NE(message.find("a group id has no label"), std::string::npos) << message;
}

TEST(MixedInput, SlopesNeedTwoRowsPerGroup) {
  Case c;
  c.options.placement = RandomPlacement::Expert;
  c.prototype = Model::Make("gaussian", "softmax", 2, 1, 2);
  c.d.group(0) = 999;  // a group of one row
  const arma::mat ones(c.d.y.n_rows, 1, arma::fill::ones);
  const std::string message =
      ErrorOf([&] { FitMixed(c.prototype, Data(c.d.y, c.d.x, ones, &c.d.group), c.d.x, c.options, c.observer); });
  EXPECT_NE(message.find("group '999' of column 'group' has a single row (row 1)"), std::string::npos) << message;
}

TEST(MixedInput, MissingGroupColumnAndWrongLength) {
  Case c;
  EXPECT_NE(ErrorOf([&] { FitMixed(c.prototype, Data(c.d.y, c.d.x, c.d.x), c.d.ones, c.options, c.observer); })
                .find("needs a group column"),
            std::string::npos);
  const arma::uvec shortGroups = c.d.group.head(10);
  EXPECT_NE(ErrorOf([&] {
              FitMixed(c.prototype, Data(c.d.y, c.d.x, c.d.x, &shortGroups), c.d.ones, c.options, c.observer);
            }).find("has 10 values but the data have 100 rows"),
            std::string::npos);
}

TEST(MixedInput, GateSlopesNeedTwoRowsPerGroupAndVariationWithinGroups) {
  Case c;
  c.options.randomTerms = {"(Intercept)", "x"};
  c.d.group(0) = 999;  // a group of one row
  std::string message = c.Run(c.d.x);
  EXPECT_NE(message.find("group '999' of column 'school' has a single row (row 1): random slopes ('x') need at "
                         "least two rows per group"),
            std::string::npos)
      << message;
  c.d.group(0) = c.d.group(1);
  arma::mat z = c.d.x;
  for (arma::uword i = 0; i < z.n_rows; ++i) z(i, 1) = double(c.d.group(i) % 7);  // constant within groups
  message = c.Run(z);
  EXPECT_NE(message.find("random slope 'x' is constant within every group of 'school'"), std::string::npos) << message;
}

TEST(MixedInput, GatePlacementRefusesOtherGates) {
  Case c;
  c.prototype = Model::Make("gaussian", "laplace", 2, 2, 2);
  EXPECT_NE(c.Run(c.d.ones).find("need the plain softmax gate"), std::string::npos);
}

TEST(MixedInput, ExpertPlacementNeedsGaussianExpertsAndGroupLevelGate) {
  Case c;
  c.options.placement = RandomPlacement::Expert;
  EXPECT_NE(c.Run(c.d.ones).find("gate design column 2 varies within group '10' of 'school'"), std::string::npos);
  c.prototype = Model::Make("poisson", "softmax", 2, 2, 2);
  EXPECT_NE(c.Run(c.d.ones).find("need Gaussian experts"), std::string::npos);
  EXPECT_NE(ErrorOf([] { PlacementFromName("both"); }).find("'gate' or 'expert'"), std::string::npos);
}

}  // namespace
}  // namespace moest
