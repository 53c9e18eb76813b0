// `moest fit --stream`, `--distributed` and `moest convert` through the command line: the same
// estimates as the in-memory fit from the same start, bad input in a late chunk named by column and
// file row with no model file left behind, and the options streaming refuses named.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "cli_process_support.hpp"
#include "moest/model/packing.hpp"
#include "test_support.hpp"

namespace moest::test {
namespace {

namespace fs = std::filesystem;

// One start (the --start model's), as a streaming fit from --start has.
const std::string kFit = "fit data.csv -f 'y ~ x' -K 3 --starts 1 --tol 1e-10 -q ";

// Three softmax-gated experts on [1, x] (n rows) in data.csv, and a start model (three in-memory EM
// iterations from the seed's starts) in start.json.
fs::path Prepare(const std::string& name, arma::uword n, double badValueAtRow = 0) {
  const fs::path dir = CleanDirectory(name);
  const Model truth = MakeLinearModel({{0.0, 0.0}, {0.5, 2.0}, {-0.5, -2.0}},
                                      {{{-2.0, 1.0, 0.4}}, {{0.0, -1.0, 0.3}}, {{2.0, 0.5, 0.5}}});
  SimulatedData sim = SimulateLinear(truth, n, 21);
  if (badValueAtRow > 0) sim.x(static_cast<arma::uword>(badValueAtRow) - 1, 1) = arma::datum::nan;
  std::ofstream(dir / "data.csv") << FormatCsv({"y", "x"}, arma::join_rows(sim.y, sim.x.col(1)));
  if (badValueAtRow == 0) {
    const CliOutcome start = RunMoest(dir, "fit data.csv -f 'y ~ x' -K 3 --seed 3 --starts 2 --max-iter 3 -q -o start.json");
    EXPECT_TRUE(fs::exists(dir / "start.json")) << start.err;
  }
  return dir;
}

void ExpectSameModel(const fs::path& a, const fs::path& b) {
  const ModelFile x = ReadModelFile(a.string()), y = ReadModelFile(b.string());
  EXPECT_NEAR(x.stats.logLikelihood, y.stats.logLikelihood, 1e-10 * std::abs(y.stats.logLikelihood));
  EXPECT_EQ(x.stats.iterations, y.stats.iterations);
  const arma::vec p = PackModel(x.model), q = PackModel(y.model);
  ASSERT_EQ(p.n_elem, q.n_elem);
  for (arma::uword j = 0; j < p.n_elem; ++j) EXPECT_NEAR(p[j], q[j], 1e-10 * std::max(1.0, std::abs(q[j]))) << j;
}

TEST(StreamCli, StreamingFitFromAStartEqualsTheInMemoryFit) {
  const fs::path dir = Prepare("stream_cli_equal", 3000);
  const CliOutcome memory = RunMoest(dir, kFit + "--start start.json -o memory.json");
  ASSERT_EQ(memory.exitCode, 0) << memory.err;
  const CliOutcome stream = RunMoest(dir, kFit + "--start start.json --stream --chunk-rows 701 -o stream.json");
  ASSERT_EQ(stream.exitCode, 0) << stream.err;
  ExpectSameModel(dir / "stream.json", dir / "memory.json");
  // The model file is an ordinary one: summary and predict read it.
  EXPECT_EQ(RunMoest(dir, "summary stream.json").exitCode, 0);
  const CliOutcome predict = RunMoest(dir, "predict stream.json data.csv");
  EXPECT_EQ(predict.exitCode, 0) << predict.err;
  fs::remove_all(dir);
}

TEST(StreamCli, DefaultStartsAndABinaryTable) {
  const fs::path dir = Prepare("stream_cli_binary", 4000);
  const CliOutcome convert = RunMoest(dir, "convert data.csv data.bin --chunk-rows 999");
  ASSERT_EQ(convert.exitCode, 0) << convert.err;
  EXPECT_NE(convert.err.find("wrote 4000 rows of 2 columns"), std::string::npos) << convert.err;
  const CliOutcome fromCsv = RunMoest(dir, "fit data.csv -f 'y ~ x' -K 3 --seed 5 --stream --start-rows 1000 -q -o csv.json");
  ASSERT_EQ(fromCsv.exitCode, 0) << fromCsv.err;
  const CliOutcome fromBinary =
      RunMoest(dir, "fit data.bin -f 'y ~ x' -K 3 --seed 5 --stream --start-rows 1000 -o bin.json");
  ASSERT_EQ(fromBinary.exitCode, 0) << fromBinary.err;
  EXPECT_NE(fromBinary.out.find("Log-likelihood"), std::string::npos) << fromBinary.out;
  ExpectSameModel(dir / "bin.json", dir / "csv.json");
  fs::remove_all(dir);
}

TEST(StreamCli, BadCellInALateChunkLeavesNoModelFile) {
  const fs::path dir = Prepare("stream_cli_bad", 13000, 12345);
  const CliOutcome fit = RunMoest(dir, "fit data.csv -f 'y ~ x' -K 2 --stream --chunk-rows 1000 -o m.json");
  EXPECT_EQ(fit.exitCode, 2);
  EXPECT_NE(fit.err.find("column 'x'"), std::string::npos) << fit.err;
  EXPECT_NE(fit.err.find("row 12345"), std::string::npos) << fit.err;
  EXPECT_FALSE(fs::exists(dir / "m.json"));
  const CliOutcome convert = RunMoest(dir, "convert data.csv data.bin");
  EXPECT_EQ(convert.exitCode, 2);
  EXPECT_NE(convert.err.find("row 12345"), std::string::npos) << convert.err;
  EXPECT_FALSE(fs::exists(dir / "data.bin"));
  EXPECT_FALSE(fs::exists(dir / "data.bin.partial"));
  fs::remove_all(dir);
}

TEST(StreamCli, RefusedOptionsAreNamed) {
  const fs::path dir = Prepare("stream_cli_refused", 200);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"fit data.csv -f 'y ~ x' -K 2 --stream --expert poisson", "--expert poisson"},
      {"fit data.csv -f 'y ~ poly(x, 2)' -K 2 --stream", "poly(x, 2)"},
      {"fit data.csv -f 'y ~ x' -K 2 --stream --solver mle", "--solver mle"},
      {"fit data.csv -f 'y ~ x' -K 2 --stream --gate laplace", "--gate laplace"},
      {"fit data.csv -f 'y ~ x' -K 2 --stream --stopping aitken", "--stopping aitken"},
      {"fit data.csv -f 'y ~ x' -K 2 --stream --chunk-rows 0", "--chunk-rows"},
  };
  for (const auto& [arguments, named] : cases) {
    const CliOutcome fit = RunMoest(dir, arguments);
    EXPECT_EQ(fit.exitCode, 2) << arguments;
    EXPECT_NE(fit.err.find(named), std::string::npos) << arguments << ": " << fit.err;
  }
  fs::remove_all(dir);
}

#ifdef MOEST_MPIEXEC
TEST(StreamCli, DistributedFitOnTwoRanksEqualsTheInMemoryFit) {
  const fs::path dir = Prepare("stream_cli_mpi", 3000);
  const CliOutcome memory = RunMoest(dir, kFit + "--start start.json -o memory.json");
  ASSERT_EQ(memory.exitCode, 0) << memory.err;
  const std::string command = "cd '" + dir.string() +
                              "' && OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 "
                              // containers often forbid the cross-memory attach of Open MPI's shared-memory transport
                              "OMPI_MCA_btl_vader_single_copy_mechanism=none "
                              // Open MPI's own start-up allocations are never freed (its dlopen'ed plugins):
                              // under the sanitizer build, leak reports would be Open MPI's, not moest's
                              "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1 "
                              "OPENBLAS_NUM_THREADS=1 '" MOEST_MPIEXEC "' --oversubscribe -np 2 '" MOEST_CLI_PATH "' " +
                              kFit + "--start start.json --distributed --chunk-rows 250 -o mpi.json > out.txt 2> err.txt";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadWhole(dir / "err.txt");
  ExpectSameModel(dir / "mpi.json", dir / "memory.json");
  fs::remove_all(dir);
}
#else
TEST(StreamCli, DistributedWithoutMpiSaysSo) {
  const fs::path dir = Prepare("stream_cli_nompi", 200);
  const CliOutcome fit = RunMoest(dir, "fit data.csv -f 'y ~ x' -K 2 --distributed");
  EXPECT_EQ(fit.exitCode, 2);
  EXPECT_NE(fit.err.find("built without MPI"), std::string::npos) << fit.err;
  fs::remove_all(dir);
}
#endif

}  // namespace
}  // namespace moest::test
