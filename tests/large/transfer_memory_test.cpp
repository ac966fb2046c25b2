// Moving 2 GiB between two `rtcengine` processes: the content arrives
// identical and verified, and neither process's memory grows with the file.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_data.hpp"

using namespace rtcengine::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kSize = 2ull << 30;
constexpr std::uint64_t kMemoryLimit = 200ull << 20;

std::string cli() { return std::string(RTCENGINE_BINARY_DIR) + "/tools/rtcengine"; }

// Peak resident set size so far (VmHWM), in bytes; 0 once the process is gone.
std::uint64_t peak_rss(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (status >> key) {
    if (key == "VmHWM:") {
      std::uint64_t kib = 0;
      status >> kib;
      return kib * 1024;
    }
    status.ignore(1 << 10, '\n');
  }
  return 0;
}

// tmpfs when there is one: the figure is about the processes, not the disk.
fs::path scratch_root() {
  return fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
}

}  // namespace

TEST(TransferLarge, TwoGibibytesArriveVerifiedAndMemoryStaysUnder200Megabytes) {
  auto root = scratch_root() / ("rtcengine-large-" + std::to_string(std::random_device{}()));
  fs::create_directories(root / "in");
  fs::create_directories(root / "out");
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } cleanup{root};
  {
    std::ofstream out(root / "in/two.bin", std::ios::binary);
    constexpr std::size_t kBlock = 8 << 20;
    for (std::uint64_t done = 0; done < kSize; done += kBlock) {
      auto bytes = test_bytes(kBlock, static_cast<unsigned>(done / kBlock));
      out.write(reinterpret_cast<const char*>(bytes.data()), kBlock);
    }
  }
  TempDir runtime;
  auto command = [&](std::vector<std::string> arguments) {
    std::vector<std::string> argv{"env", "XDG_RUNTIME_DIR=" + runtime.path().string(), cli()};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    argv.insert(argv.end(), {"--channel", "large"});
    return argv;
  };
  Process receiver(command({"receive", (root / "out").string()}));
  Process sender(command({"send", (root / "in/two.bin").string()}));
  std::uint64_t sender_peak = 0, receiver_peak = 0;
  auto started = std::chrono::steady_clock::now();
  std::optional<int> sender_exit, receiver_exit;
  while ((!sender_exit || !receiver_exit) && std::chrono::steady_clock::now() - started < 300s) {
    if (!sender_exit) sender_peak = std::max(sender_peak, peak_rss(sender.pid()));
    if (!receiver_exit) receiver_peak = std::max(receiver_peak, peak_rss(receiver.pid()));
    if (!sender_exit) sender_exit = sender.wait_exit(100ms);
    if (!receiver_exit) receiver_exit = receiver.wait_exit(100ms);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "2 GiB in " << seconds << " s (" << kSize / seconds / 1e6
            << " MB/s); peak RSS: sender " << sender_peak / 1e6 << " MB, receiver "
            << receiver_peak / 1e6 << " MB" << std::endl;
  RecordProperty("sender_peak_rss_bytes", std::to_string(sender_peak));
  RecordProperty("receiver_peak_rss_bytes", std::to_string(receiver_peak));
  EXPECT_EQ(sender_exit, 0);
  EXPECT_EQ(receiver_exit, 0);
  EXPECT_TRUE(receiver.wait_for_line("done two.bin 2147483648 bytes, verified", 1s));
  EXPECT_GT(sender_peak, 0u);
  EXPECT_LT(sender_peak, kMemoryLimit);
  EXPECT_LT(receiver_peak, kMemoryLimit);

  // Byte-identical, block by block.
  std::ifstream left(root / "in/two.bin", std::ios::binary),
      right(root / "out/two.bin", std::ios::binary);
  ASSERT_EQ(fs::file_size(root / "out/two.bin"), kSize);
  std::vector<char> a(8 << 20), b(8 << 20);
  bool same = true;
  while (same && left.read(a.data(), a.size()) && right.read(b.data(), b.size())) same = a == b;
  EXPECT_TRUE(same);
}
