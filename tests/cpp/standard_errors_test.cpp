#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "moest/model/packing.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::MakeLinearModel;
using test::SimulateLinear;

Model TwoExperts() {
  return MakeLinearModel({{0, 0}, {0.5, 2.0}}, {{{1.0, 2.0, 0.4}}, {{-1.0, -1.5, 0.5}}});
}

// The 8 free parameters of a K = 2 fit in the truth's labelling: gate (intercept, slope) of the
// second component against the first, then each expert's (intercept, slope, sigma).
void Estimates(const FitResult& fit, arma::vec& estimate, arma::vec& error) {
  const arma::uvec order = test::OrderByIntercept(fit.model);  // truth: expert 2 has the lower intercept
  const arma::uword first = order[1], second = order[0];
  const StandardErrors& se = fit.stats.standardErrors;
  const arma::mat w = fit.model.gate().Blocks()[0].value;
  const arma::mat wse = se.gate[0].value;
  const double sign = first == 0 ? 1.0 : -1.0;  // a swapped fit has the other component as reference
  estimate.set_size(8);
  error.set_size(8);
  for (int p = 0; p < 2; ++p) {
    estimate[p] = sign * (w(p, 1) - w(p, 0));
    error[p] = wse(p, 1);
  }
  arma::uword at = 2;
  for (arma::uword k : {first, second}) {
    const ParameterBlocks b = fit.model.expert(k).Blocks();
    for (int p = 0; p < 2; ++p) {
      estimate[at] = b[0].value(p);
      error[at++] = se.experts[k][0].value(p);
    }
    estimate[at] = b[1].value(0);
    error[at++] = se.experts[k][1].value(0);
  }
}

TEST(StandardErrors, ReferenceColumnIsFixedAndTheRestFinite) {
  const Model truth = TwoExperts();
  const test::SimulatedData sim = SimulateLinear(truth, 800, 4);
  const StandardErrors se = ComputeStandardErrors(truth, sim.View());
  ASSERT_TRUE(se.positiveDefinite) << se.message;
  EXPECT_TRUE(se.gate[0].value.col(0).has_nan());
  EXPECT_TRUE(se.gate[0].value.col(1).is_finite());
  for (const ParameterBlocks& blocks : se.experts) {
    for (const ParameterBlock& block : blocks) EXPECT_TRUE(block.value.is_finite()) << block.name;
  }
  EXPECT_EQ(se.labels.size(), 8u);
  EXPECT_EQ(se.vcov.n_rows, 8u);
  EXPECT_TRUE(se.vcov.is_symmetric(1e-8));
}

// The observed information from differences of the analytic gradient is the Hessian of -l.
TEST(StandardErrors, InformationMatchesSecondDifferencesOfTheLogLikelihood) {
  const Model truth = TwoExperts();
  const test::SimulatedData sim = SimulateLinear(truth, 300, 9);
  const Data data = sim.View();
  const arma::mat information = ObservedInformation(truth, data);
  Model probe = truth;
  const arma::vec theta = PackModel(truth);
  const double h = 1e-4;
  auto logLik = [&](const arma::vec& t) {
    UnpackModel(probe, t);
    return probe.LogLikelihood(data);
  };
  for (arma::uword i = 0; i < theta.n_elem; i += 3) {
    for (arma::uword j = 0; j < theta.n_elem; j += 2) {
      arma::vec pp = theta, pm = theta, mp = theta, mm = theta;
      pp[i] += h; pp[j] += h;
      pm[i] += h; pm[j] -= h;
      mp[i] -= h; mp[j] += h;
      mm[i] -= h; mm[j] -= h;
      const double second = (logLik(pp) - logLik(pm) - logLik(mp) + logLik(mm)) / (4 * h * h);
      EXPECT_NEAR(information(i, j), -second, 1e-3 * std::max(1.0, std::abs(second))) << i << "," << j;
    }
  }
}

// Reduced size of the 200-replicate study in bench/standard_errors.R: 30 replicates of n = 1000.
TEST(StandardErrors, MatchTheSpreadOfEstimatesAndCoverAtTheNominalRate) {
  const Model truth = TwoExperts();
  arma::vec trueValues = {0.5, 2.0, 1.0, 2.0, 0.4, -1.0, -1.5, 0.5};
  const int replicates = 30;
  arma::mat estimates(8, replicates), errors(8, replicates);
  FitOptions options;
  options.starts = 3;
  options.em.tolerance = 1e-10;
  SilentObserver silent;
  for (int r = 0; r < replicates; ++r) {
    const test::SimulatedData sim = SimulateLinear(truth, 1000, 1000 + r);
    options.seed = r + 1;
    const FitResult fit = Fit(truth, sim.View(), options, silent);
    ASSERT_TRUE(fit.stats.standardErrors.positiveDefinite) << fit.stats.standardErrors.message;
    arma::vec e, s;
    Estimates(fit, e, s);
    estimates.col(r) = e;
    errors.col(r) = s;
  }
  const arma::vec sd = arma::stddev(estimates, 0, 1);
  const arma::vec meanSe = arma::mean(errors, 1);
  const arma::mat z = arma::abs(estimates.each_col() - trueValues) / errors;
  const double coverage = arma::accu(z < 1.959964) / static_cast<double>(z.n_elem);
  std::cout << "mean SE / empirical SD: " << (meanSe / sd).t() << "coverage: " << coverage << "\n";
  for (arma::uword p = 0; p < 8; ++p) {
    // 30 replicates estimate an SD to about 13%: the band is widened from 15% accordingly.
    EXPECT_GT(meanSe[p] / sd[p], 0.65) << "parameter " << p;
    EXPECT_LT(meanSe[p] / sd[p], 1.45) << "parameter " << p;
  }
  EXPECT_GT(coverage, 0.88);
  EXPECT_LT(coverage, 0.995);
}

// Two identical components: the gate's intercept does not change the likelihood, so the
// information is singular. The summary must say so instead of printing a table of NaN.
TEST(StandardErrors, SingularInformationGivesAPlainMessage) {
  const Model truth = MakeLinearModel({{0, 0}, {0.0, 0.0}}, {{{1.0, 2.0, 0.4}}, {{1.0, 2.0, 0.4}}});
  const test::SimulatedData sim = SimulateLinear(truth, 500, 2);
  const StandardErrors se = ComputeStandardErrors(truth, sim.View());
  EXPECT_FALSE(se.positiveDefinite);
  EXPECT_NE(se.message.find("not positive definite"), std::string::npos) << se.message;
  ModelFile file;
  file.model = truth;
  file.expertTerms = {"(Intercept)", "x"};
  file.gateTerms = {"(Intercept)", "x"};
  file.stats.standardErrors = se;
  const std::string text = SummaryText(file);
  EXPECT_NE(text.find("Standard errors: none"), std::string::npos) << text;
  EXPECT_EQ(text.find("nan"), std::string::npos);
}

TEST(StandardErrors, SurviveTheModelFileAndShowAsAWaldTable) {
  const Model truth = TwoExperts();
  const test::SimulatedData sim = SimulateLinear(truth, 600, 6);
  FitOptions options;
  options.starts = 2;
  SilentObserver silent;
  FitResult fit = Fit(truth, sim.View(), options, silent);
  const ModelFile file = test::LinearModelFile(fit);
  const ModelFile back = ModelFromJson(ModelToJson(file), "test");
  const StandardErrors& a = fit.stats.standardErrors;
  const StandardErrors& b = back.stats.standardErrors;
  ASSERT_TRUE(b.computed);
  EXPECT_EQ(b.positiveDefinite, a.positiveDefinite);
  EXPECT_EQ(b.labels, a.labels);
  EXPECT_LT(arma::abs(b.vcov - a.vcov).max(), 1e-12);
  EXPECT_LT(std::abs(b.experts[1][1].value(0) - a.experts[1][1].value(0)), 1e-12);
  EXPECT_EQ(back.stats.solver, "em");
  const std::string text = SummaryText(back);
  EXPECT_NE(text.find("Std. Error"), std::string::npos) << text;
  EXPECT_NE(text.find("gate Comp.2 x"), std::string::npos) << text;
}

}  // namespace
}  // namespace moest
