// Output files are never half-written: a reader sees the old content or the new, whole; a failed
// write leaves neither the target changed nor a temporary file behind.
#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "moest/errors.hpp"
#include "moest/io/atomic_write.hpp"

namespace moest {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class AtomicWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "moest_atomic_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::size_t Count() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {})); }
  fs::path dir_;
};

TEST_F(AtomicWriteTest, AReaderOnlyEverSeesWholeFiles) {
  const fs::path target = dir_ / "out.txt";
  // Two large contents, each of one repeated letter: a mixture or a truncation would show.
  const std::string a(1 << 20, 'a'), b(1 << 20, 'b');
  WriteFileAtomically(target.string(), a);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 40; ++i) WriteFileAtomically(target.string(), i % 2 ? a : b);
    done = true;
  });
  int reads = 0, bad = 0;
  while (!done) {
    const std::string seen = ReadText(target);
    ++reads;
    if (seen != a && seen != b) ++bad;
  }
  writer.join();
  EXPECT_EQ(bad, 0) << "of " << reads << " reads";
  EXPECT_EQ(Count(), 1u) << "a temporary file was left behind";
}

TEST_F(AtomicWriteTest, AFailedRenameLeavesTheTargetAndNoTemporaryFile) {
  const fs::path target = dir_ / "model.json";
  fs::create_directory(target);  // a directory cannot be replaced by a file
  fs::path inside = target / "keep";
  std::ofstream(inside) << "old";
  try {
    WriteFileAtomically(target.string(), "new");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(target.string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(ReadText(inside), "old");
  EXPECT_EQ(Count(), 1u);
}

TEST_F(AtomicWriteTest, AMissingFolderIsNamed) {
  const fs::path target = dir_ / "no" / "such" / "out.txt";
  try {
    WriteFileAtomically(target.string(), "x");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(target.string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(Count(), 0u);
}

TEST_F(AtomicWriteTest, AFailedWriteKeepsTheOldFileAndRemovesItsTemporary) {
  // A file-size limit makes the write fail part-way (EFBIG), as a full disk would.
  const fs::path target = dir_ / "out.txt";
  WriteFileAtomically(target.string(), "old");
  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto previous = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string message;
  try {
    WriteFileAtomically(target.string(), std::string(1 << 20, 'x'));
  } catch (const InputError& e) {
    message = e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous);
  EXPECT_NE(message.find(target.string()), std::string::npos) << "no error naming the file: '" << message << "'";
  EXPECT_EQ(ReadText(target), "old");
  EXPECT_EQ(Count(), 1u) << "the temporary file was left behind";
}

}  // namespace
}  // namespace moest
