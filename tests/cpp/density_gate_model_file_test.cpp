// Density gates through model files: every family and option set survives a JSON round trip.
#include <gtest/gtest.h>

#include "density_gate_support.hpp"

namespace moest {
namespace {

TEST(DensityGateModelFile, EveryFamilyAndOptionRoundTripsThroughJson) {
  Rng rng(41);
  arma::mat x(300, 3), y(300, 1);
  x.col(0).ones();
  for (arma::uword i = 0; i < x.n_rows; ++i) {
    x(i, 1) = rng.Normal();
    x(i, 2) = rng.Normal() + 1.0;
    y(i, 0) = x(i, 1) - x(i, 2) + 0.5 * rng.Normal();
  }
  const Data data(y, x, x);
  for (const char* gate : {"gaussian_density", "gaussian_density(covariance = diagonal)", "t_density",
                           "t_density(nu_shared = true)", "t_density(nu = 2.5)", "laplace_density"}) {
    SCOPED_TRACE(gate);
    FitOptions options;
    options.starts = 1;
    options.em.maxIterations = 30;
    SilentObserver silent;
    const FitResult fit = Fit(Model::Make("gaussian", gate, 3, 3, 2), data, options, silent);
    ModelFile file;
    file.formula = "y ~ x1 + x2";
    file.response = "y";
    file.expertTerms = file.gateTerms = {"(Intercept)", "x1", "x2"};
    file.expertFamily = "gaussian";
    file.gateFamily = gate;
    file.model = fit.model;
    file.stats = fit.stats;
    const std::string json = ModelToJson(file);
    const ModelFile back = ModelFromJson(json, "memory");
    EXPECT_EQ(back.model.gate().Spec().ToString(), fit.model.gate().Spec().ToString());
    EXPECT_EQ(back.model.NumParameters(), fit.model.NumParameters());
    EXPECT_EQ(back.stats.objective, "joint");
    EXPECT_EQ(back.stats.conditionalLogLikelihood, fit.stats.conditionalLogLikelihood);
    EXPECT_NEAR(back.model.LogLikelihood(data), fit.model.LogLikelihood(data), 1e-10 * std::abs(fit.stats.logLikelihood));
    EXPECT_EQ(ModelToJson(ModelFromJson(ModelToJson(back), "memory")), ModelToJson(back));
    EXPECT_NE(SummaryText(back).find("conditional"), std::string::npos);
  }
}

}  // namespace
}  // namespace moest
