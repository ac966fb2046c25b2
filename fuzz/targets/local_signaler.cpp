// LocalSignaler datagrams from anyone who can write to the channel folder:
// a fresh signaler per input receives each line as one datagram on its real
// Unix socket, on its real I/O thread. Rules: the I/O thread survives every
// datagram (an exception there would end the process), each datagram is
// handled, and no datagram makes the signaler touch a file outside its
// channel folder (a "canary" file sits next to that folder).
#include <sys/socket.h>
#include <sys/un.h>

#include <boost/asio/post.hpp>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <future>
#include <mutex>

#include "rtcengine/local_signaler.hpp"
#include "signaling/io_thread.hpp"
#include "support/check.hpp"
#include "support/temp_folder.hpp"

namespace rtcengine::fuzz {
namespace {

namespace fs = std::filesystem;

// Waits for every task posted to the shared I/O thread before this call
// (the signaler's start, or the handling of datagrams already queued).
void wait_for_io_thread() {
  std::promise<void> done;
  boost::asio::post(detail::io_thread_context(), [&] { done.set_value(); });
  require(done.get_future().wait_for(std::chrono::seconds(30)) == std::future_status::ready,
          "the signalers' I/O thread is stuck");
}

class Sender {
 public:
  Sender() : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    require(fd_ >= 0, "cannot open a datagram socket");
  }
  ~Sender() { ::close(fd_); }
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  void send(const fs::path& to, std::string_view datagram) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    auto path = to.string();
    require(path.size() < sizeof address.sun_path, "the temporary folder's path is too long");
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    ssize_t sent;
    do {
      // Waits while the signaler's queue is full; libFuzzer's timer interrupts.
      sent = ::sendto(fd_, datagram.data(), datagram.size(), 0,
                      reinterpret_cast<sockaddr*>(&address), sizeof address);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) std::perror("fuzz: sendto");
    require(sent == static_cast<ssize_t>(datagram.size()),
            "the signaler's socket refused a datagram");
  }

 private:
  int fd_;
};

// Waits until the signaler reported the non-JSON marker datagram: every
// datagram sent before it was handled by then.
class Marker {
 public:
  explicit Marker(Signaler& signaler) {
    signaler.on_error([this](const Error& error) {
      std::lock_guard lock(mutex_);
      if (std::string_view(error.what()).find(text_) != std::string_view::npos) seen_ = true;
      changed_.notify_all();
    });
  }
  std::string next() {
    std::lock_guard lock(mutex_);
    seen_ = false;
    text_ = "fuzz-marker-" + std::to_string(++count_);
    return text_;
  }
  void wait() {
    std::unique_lock lock(mutex_);
    require(changed_.wait_for(lock, std::chrono::seconds(30), [&] { return seen_; }),
            "a datagram was never handled (the I/O thread is stuck or gone)");
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string text_ = "(none yet)";
  std::uint64_t count_ = 0;
  bool seen_ = false;
};

}  // namespace

void local_signaler(Input input) {
  static TempFolder folder("local-signaler");
  static Sender sender;
  fs::path canary = folder.path() / "canary";
  if (!fs::exists(canary)) std::ofstream(canary) << "must survive";

  LocalSignalerOptions options;
  options.channel = "channel";
  options.directory = folder.path().string();
  options.heartbeat_interval = options.heartbeat_timeout = std::chrono::hours(1);
  LocalSignaler signaler(options);
  Marker marker(signaler);
  wait_for_io_thread();
  auto own_socket = folder.path() / "channel" / signaler.id();

  for (auto line : lines_of(input)) sender.send(own_socket, line);
  sender.send(own_socket, marker.next());
  marker.wait();
  require(fs::exists(canary), "a datagram made the signaler remove a file outside its folder");
  signaler.close();
}

}  // namespace rtcengine::fuzz
