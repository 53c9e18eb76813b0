// Streaming EM (stream/stream_em.hpp) against the in-memory EM of solver/em.hpp: from the same start
// on the same data the two take the same steps, so the estimates agree to rounding (1e-10 relative),
// whatever the chunk size; the chunk readers keep the in-memory reader's checks and row numbers.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "moest/model/packing.hpp"
#include "test_support.hpp"

namespace moest::test {
namespace {

namespace fs = std::filesystem;

// A three-expert truth on [1, x], softmax-gated.
Model Truth() {
  return MakeLinearModel({{0.0, 0.0}, {0.5, 2.0}, {-0.5, -2.0}}, {{{-2.0, 1.0, 0.4}}, {{0.0, -1.0, 0.3}}, {{2.0, 0.5, 0.5}}});
}

// A temporary file removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& suffix) {
    path_ = (fs::temp_directory_path() / ("moest_stream_" + std::to_string(::getpid()) + "_" +
                                          std::to_string(counter_++) + suffix)).string();
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  static inline int counter_ = 0;
};

void WriteCsv(const std::string& path, const SimulatedData& sim) {
  std::ofstream(path) << FormatCsv({"y", "x"}, arma::join_rows(sim.y, sim.x.col(1)));
}

// The in-memory EM from the parameters of `start`, as `moest fit --start` runs it.
FitResult InMemoryFromStart(const Model& start, const SimulatedData& sim, const EmOptions& options) {
  const Data data = sim.View();
  arma::mat r;
  start.LogLikelihood(data, &r);
  SilentObserver silent;
  return RunEm(start, data, r, options, silent);
}

FitResult StreamFromStart(const Model& start, const std::string& path, std::size_t chunkRows, const EmOptions& options) {
  const auto source = OpenChunkSource(path, chunkRows);
  ChunkedData data(*source, ParseFormula("y ~ x"));
  SilentObserver silent;
  LocalReducer local;
  return RunStreamingEm(start, data, options, silent, local);
}

// Every packed parameter within 1e-10 relative (an absolute 1e-10 near zero), and the log-likelihoods.
void ExpectSameFit(const FitResult& stream, const FitResult& memory) {
  EXPECT_EQ(stream.stats.status, memory.stats.status);
  EXPECT_EQ(stream.stats.iterations, memory.stats.iterations);
  EXPECT_NEAR(stream.stats.logLikelihood, memory.stats.logLikelihood, 1e-10 * std::abs(memory.stats.logLikelihood));
  EXPECT_NEAR(stream.stats.conditionalLogLikelihood, memory.stats.conditionalLogLikelihood,
              1e-10 * std::abs(memory.stats.conditionalLogLikelihood));
  EXPECT_NEAR(stream.stats.criteria.icl, memory.stats.criteria.icl, 1e-10 * std::abs(memory.stats.criteria.icl));
  const arma::vec a = PackModel(stream.model), b = PackModel(memory.model);
  ASSERT_EQ(a.n_elem, b.n_elem);
  for (arma::uword j = 0; j < a.n_elem; ++j) {
    EXPECT_NEAR(a[j], b[j], 1e-10 * std::max(1.0, std::abs(b[j]))) << "parameter " << j;
  }
}

void ExpectMonotone(const FitResult& fit) {
  for (const TraceRow& row : fit.stats.trace) EXPECT_FALSE(row.decrease) << "iteration " << row.iteration;
}

// A start away from the truth: the truth's parameters shifted.
Model ShiftedStart(Model model) {
  arma::vec theta = PackModel(model);
  theta += 0.15;
  UnpackModel(model, theta);
  return model;
}

TEST(StreamEm, SoftmaxGateMatchesInMemoryForEveryChunkSize) {
  const SimulatedData sim = SimulateLinear(Truth(), 2000, 11);
  TempFile csv(".csv");
  WriteCsv(csv.path(), sim);
  EmOptions options;
  options.tolerance = 1e-10;
  const Model start = ShiftedStart(Truth());
  const FitResult memory = InMemoryFromStart(start, sim, options);
  ASSERT_EQ(memory.stats.status, FitStatus::Converged);
  ASSERT_GT(memory.stats.iterations, 5);  // the comparison covers many steps, not one
  for (std::size_t chunk : {500u, 333u, 2000u, 5000u}) {
    SCOPED_TRACE("chunk rows " + std::to_string(chunk));
    const FitResult stream = StreamFromStart(start, csv.path(), chunk, options);
    ExpectSameFit(stream, memory);
    ExpectMonotone(stream);
    EXPECT_EQ(stream.stats.n, 2000u);
  }
}

TEST(StreamEm, OneRowChunksMatchInMemory) {
  const SimulatedData sim = SimulateLinear(Truth(), 300, 12);
  TempFile csv(".csv");
  WriteCsv(csv.path(), sim);
  EmOptions options;
  options.maxIterations = 25;
  const Model start = ShiftedStart(Truth());
  ExpectSameFit(StreamFromStart(start, csv.path(), 1, options), InMemoryFromStart(start, sim, options));
}

TEST(StreamEm, GaussianDensityGateMatchesInMemory) {
  const SimulatedData sim = SimulateLinear(Truth(), 1500, 13, -3.0, 3.0);
  TempFile csv(".csv");
  WriteCsv(csv.path(), sim);
  // A start near a sensible solution: a few in-memory iterations from the true labels.
  Model prototype = Model::Make("gaussian", "gaussian_density", 2, 2, 3);
  EmOptions shortRun;
  shortRun.maxIterations = 3;
  SilentObserver silent;
  const Model start =
      RunEm(prototype, sim.View(), PartitionToResponsibilities(sim.component, 3, 0.05), shortRun, silent).model;
  EmOptions options;
  options.tolerance = 1e-10;
  const FitResult memory = InMemoryFromStart(start, sim, options);
  ASSERT_EQ(memory.stats.objective, "joint");
  ASSERT_EQ(memory.stats.status, FitStatus::Converged);
  ASSERT_GT(memory.stats.iterations, 5);
  for (std::size_t chunk : {500u, 333u}) {
    SCOPED_TRACE("chunk rows " + std::to_string(chunk));
    const FitResult stream = StreamFromStart(start, csv.path(), chunk, options);
    ExpectSameFit(stream, memory);
    ExpectMonotone(stream);
    EXPECT_EQ(stream.stats.objective, "joint");
  }
}

TEST(StreamEm, BinaryTableGivesTheCsvFit) {
  const SimulatedData sim = SimulateLinear(Truth(), 1000, 14);
  TempFile csv(".csv"), binary(".bin");
  WriteCsv(csv.path(), sim);
  CsvChunkSource source(csv.path(), 64);
  EXPECT_EQ(WriteBinaryTable(source, binary.path()), 1000u);
  ASSERT_TRUE(IsBinaryTable(binary.path()));
  EmOptions options;
  const Model start = ShiftedStart(Truth());
  const FitResult fromCsv = StreamFromStart(start, csv.path(), 300, options);
  const FitResult fromBinary = StreamFromStart(start, binary.path(), 300, options);
  // %.17g text reads back to the same doubles: the same sums in the same order.
  EXPECT_EQ(fromBinary.stats.logLikelihood, fromCsv.stats.logLikelihood);
  EXPECT_TRUE(arma::approx_equal(PackModel(fromBinary.model), PackModel(fromCsv.model), "absdiff", 0.0));
}

TEST(StreamEm, RecoversTheTruthFromALargeSample) {
  // n = 30000: the expert coefficients' standard errors are below 0.02, so 0.1 is five of them.
  const SimulatedData sim = SimulateLinear(Truth(), 30000, 15);
  TempFile csv(".csv");
  WriteCsv(csv.path(), sim);
  const FitResult fit = StreamFromStart(ShiftedStart(Truth()), csv.path(), 4096, EmOptions());
  ASSERT_EQ(fit.stats.status, FitStatus::Converged);
  ExpectMonotone(fit);
  const Model truth = Truth();
  for (arma::uword k = 0; k < 3; ++k) {
    const auto& fitted = static_cast<const GaussianExpert&>(fit.model.expert(k));
    const auto& true_ = static_cast<const GaussianExpert&>(truth.expert(k));
    EXPECT_LT(arma::abs(fitted.Coefficients() - true_.Coefficients()).max(), 0.1) << "expert " << k + 1;
    EXPECT_NEAR(fitted.Sigma(), true_.Sigma(), 0.05) << "expert " << k + 1;
  }
}

TEST(StreamEm, BadCellInALateChunkNamesTheColumnAndFileRow) {
  SimulatedData sim = SimulateLinear(Truth(), 13000, 16);
  sim.x(12344, 1) = arma::datum::nan;  // file row 12345
  TempFile csv(".csv");
  WriteCsv(csv.path(), sim);
  const std::string message = ErrorOf([&] { StreamFromStart(Truth(), csv.path(), 1000, EmOptions()); });
  EXPECT_NE(message.find("column 'x'"), std::string::npos) << message;
  EXPECT_NE(message.find("row 12345"), std::string::npos) << message;
  // A non-number in a CSV cell, and a binary table's NaN, likewise.
  std::ofstream(csv.path()) << "y,x\n1,2\n3,4\n5,oops\n";
  const std::string text = ErrorOf([&] { StreamFromStart(Truth(), csv.path(), 2, EmOptions()); });
  EXPECT_NE(text.find("column 'x' is not numeric: row 3"), std::string::npos) << text;
}

TEST(StreamEm, RefusesWhatItCannotStream) {
  const SimulatedData sim = SimulateLinear(Truth(), 200, 17);
  TempFile csv(".csv");
  WriteCsv(csv.path(), sim);
  const auto source = OpenChunkSource(csv.path(), 50);
  EXPECT_NE(ErrorOf([&] { ChunkedData(*source, ParseFormula("y ~ poly(x, 2)")); }).find("poly(x, 2)"),
            std::string::npos);
  EXPECT_EQ(ErrorOf([&] { ChunkedData(*source, ParseFormula("y ~ poly(x, 2, raw = TRUE)")); }), "");
  EXPECT_NE(ErrorOf([&] { CheckStreamable(Model::Make("poisson", "softmax", 2, 2, 2), EmOptions()); })
                .find("--expert poisson is not supported in streaming"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { CheckStreamable(Model::Make("gaussian", "laplace", 2, 2, 2), EmOptions()); })
                .find("--gate laplace is not supported"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { CheckStreamable(Model::Make("gaussian", "softmax(temperature = 0.5)", 2, 2, 2), EmOptions()); })
                .find("not supported"),
            std::string::npos);
  EmOptions aitken;
  aitken.rule = StoppingRule::Aitken;
  EXPECT_NE(ErrorOf([&] { CheckStreamable(Truth(), aitken); }).find("--stopping aitken"), std::string::npos);
  EXPECT_NE(ErrorOf([&] { OpenChunkSource(csv.path(), 0); }).find("at least 1 row"), std::string::npos);
}

TEST(StreamEm, BinaryTableChecksItsHeader) {
  TempFile bad(".bin");
  std::ofstream(bad.path(), std::ios::binary) << "MOESTBIN" << std::string(3, '\0');
  EXPECT_NE(ErrorOf([&] { OpenChunkSource(bad.path(), 10); }).find("binary"), std::string::npos);
}

}  // namespace
}  // namespace moest::test
