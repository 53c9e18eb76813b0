// Ctrl-C during `moest fit` on a data set large enough that every EM start takes a while: the fit
// must stop within a second, exit 130 and leave no file (no model, no trace, no temporary name).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Three noisy lines, n rows, from a fixed linear congruential sequence (no dependence on the core).
void WriteThreeLines(const fs::path& path, int n) {
  std::ofstream out(path);
  out << "y,x\n";
  unsigned long long state = 12345;
  auto uniform = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  for (int i = 0; i < n; ++i) {
    const double x = 2 * uniform() - 1;
    const int k = static_cast<int>(3 * uniform());
    const double noise = std::sqrt(-2 * std::log(1 - uniform())) * std::cos(6.283185307179586 * uniform());
    out << (k == 0 ? 1 + 2 * x : k == 1 ? -1 - x : 0.5 * x) + 0.3 * noise << "," << x << "\n";
  }
}

std::set<std::string> Entries(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

TEST(Interrupt, CtrlCDuringALargeFitStopsWithinASecondAndWritesNothing) {
  std::string pattern = (fs::temp_directory_path() / "moest_interrupt_XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const fs::path dir = pattern;
  WriteThreeLines(dir / "big.csv", 20000);
  // Many long starts (a tight tolerance): the fit would run for many minutes without the interrupt.
  const std::vector<std::string> args = {MOEST_CLI_PATH, "fit", (dir / "big.csv").string(), "--formula", "y ~ x",
                                         "-K", "3", "--starts", "100000", "--tol", "1e-15",
                                         "-o", (dir / "model.json").string(), "--trace", (dir / "trace.csv").string()};
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const fs::path errPath = dir / "err.txt";
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&files, STDERR_FILENO, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, MOEST_CLI_PATH, &files, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&files);

  // The first finished start shows that the handler is installed and the fit is under way; the
  // interrupt then lands in the middle of a later start.
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (ReadText(errPath).find("start 1/") == std::string::npos && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_NE(ReadText(errPath).find("start 1/"), std::string::npos) << "the first start never finished";
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto sent = Clock::now();
  ::kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  const double seconds = std::chrono::duration<double>(Clock::now() - sent).count();
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_LT(seconds, 1.0) << "the fit took " << seconds << " s to stop";
  EXPECT_NE(ReadText(errPath).find("interrupted"), std::string::npos);
  EXPECT_EQ(Entries(dir), (std::set<std::string>{"big.csv", "err.txt"}));
  fs::remove_all(dir);
}

}  // namespace
