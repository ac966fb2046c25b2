// LocalSignaler: members of a channel are Unix datagram sockets in one
// folder, named by random ids. Filesystem paths (not abstract sockets) so
// that processes in different network namespaces still meet.
#include "rtcengine/local_signaler.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <future>
#include <mutex>
#include <random>

#include "rtcengine/options.hpp"
#include "signaling/local_io.hpp"
#include "util/log.hpp"
#include "util/untrusted_json.hpp"

namespace rtcengine {
namespace {

namespace fs = std::filesystem;
using Datagram = boost::asio::local::datagram_protocol;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxDatagram = 200 * 1024;

std::string random_id() {
  std::random_device device;
  std::uniform_int_distribution<std::uint64_t> draw;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(draw(device)));
  return text;
}

std::string sanitized(const std::string& channel) {
  if (channel.empty()) throw InvalidOptionError("LocalSignaler channel: must not be empty");
  std::string result = channel;
  for (char& c : result) {
    bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    if (!plain) c = '_';
  }
  if (result == "." || result == "..") result = "_" + result;
  return result;
}

fs::path default_directory() {
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime) {
    return fs::path(runtime) / "rtcengine";
  }
  return fs::path("/tmp") / ("rtcengine-" + std::to_string(::getuid()));
}

enum class SendResult { sent, gone, busy, failed };

// Member ids are random_id()'s 16 hex digits. Anything else in a datagram's
// "src" could name a path outside the channel folder, and send_to() removes
// what refuses datagrams there.
bool is_member_id(const std::string& text) {
  return text.size() == 16 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

struct LocalSignaler::Impl : std::enable_shared_from_this<Impl> {
  LocalSignalerOptions options;
  fs::path folder;
  std::string id = random_id();
  Datagram::socket socket{detail::local_io()};
  boost::asio::steady_timer heartbeat_timer{detail::local_io()};
  std::vector<char> buffer = std::vector<char>(kMaxDatagram + 1);
  int send_fd = -1;

  mutable std::mutex mutex;  // guards everything below and `owner`
  LocalSignaler* owner = nullptr;
  bool closed = false;
  std::string peer;
  Clock::time_point last_heard;

  // ---- sending, any thread ----
  SendResult send_to(const std::string& member, const std::string& text) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string path = (folder / member).string();
    if (path.size() >= sizeof address.sun_path) return SendResult::failed;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    ssize_t sent = ::sendto(send_fd, text.data(), text.size(), MSG_DONTWAIT,
                            reinterpret_cast<sockaddr*>(&address), sizeof address);
    if (sent == static_cast<ssize_t>(text.size())) return SendResult::sent;
    if (errno == ECONNREFUSED) {
      // Nobody is bound there: a member that crashed left its file behind.
      std::error_code ignored;
      fs::remove(path, ignored);
      return SendResult::gone;
    }
    if (errno == ENOENT) return SendResult::gone;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return SendResult::busy;
    return SendResult::failed;
  }

  std::string heartbeat_text() const {
    return Json{{"type", "heartbeat"}, {"src", id}, {"peer", peer}}.dump();
  }

  // ---- io thread ----
  void start() {
    std::error_code error;
    fs::create_directories(folder, error);
    ::chmod(folder.c_str(), 0700);
    fs::path own = folder / id;
    fs::remove(own, error);
    send_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int size = 1 << 20;
    ::setsockopt(send_fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    boost::system::error_code asio_error;
    socket.open(Datagram(), asio_error);
    if (!asio_error) socket.bind(Datagram::endpoint(own.string()), asio_error);
    if (asio_error) {
      report(Error("LocalSignaler: cannot listen at " + own.string() + ": " + asio_error.message()));
      return;
    }
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    receive_next();
    beat();
  }

  void receive_next() {
    auto self = shared_from_this();
    socket.async_receive(boost::asio::buffer(buffer),
                         [self](const boost::system::error_code& error, std::size_t size) {
                           if (error == boost::asio::error::operation_aborted) return;
                           if (!error) self->on_datagram(std::string(self->buffer.data(), size));
                           if (self->socket.is_open()) self->receive_next();
                         });
  }

  // Sends a heartbeat to every member, forgets a silent peer, and repeats.
  void beat() {
    std::string text;
    std::vector<std::string> members;
    {
      std::lock_guard lock(mutex);
      if (closed) return;
      if (!peer.empty() && Clock::now() - last_heard > options.heartbeat_timeout) {
        RTCENGINE_LOG(info, "local signaler " << id << ": peer " << peer << " went silent");
        peer.clear();
        set_ready_locked(false);
      }
      text = heartbeat_text();
    }
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
      std::string name = entry.path().filename().string();
      if (name != id) members.push_back(name);
    }
    for (const auto& member : members) {
      if (send_to(member, text) == SendResult::gone) forget_if_peer(member);
    }
    auto self = shared_from_this();
    heartbeat_timer.expires_after(options.heartbeat_interval);
    heartbeat_timer.async_wait([self](const boost::system::error_code& error) {
      if (!error) self->beat();
    });
  }

  void forget_if_peer(const std::string& member) {
    std::lock_guard lock(mutex);
    if (peer != member) return;
    RTCENGINE_LOG(info, "local signaler " << id << ": peer " << member << " is gone");
    peer.clear();
    set_ready_locked(false);
  }

  void on_datagram(const std::string& text) {
    Json message = detail::json_depth(text) <= detail::kMaxJsonDepth
                       ? Json::parse(text, nullptr, false)
                       : Json(Json::value_t::discarded);
    if (message.is_discarded() || !message.is_object() || !message.contains("type") ||
        !message["type"].is_string() || !message.contains("src") || !message["src"].is_string() ||
        !is_member_id(message["src"].get<std::string>())) {
      report(ProtocolError("LocalSignaler: ignored a datagram that is not a channel message: " +
                           text.substr(0, 80)));
      return;
    }
    std::string src = message["src"];
    if (src == id) return;
    std::string type = message["type"];
    if (type == "heartbeat") {
      on_heartbeat(src, detail::string_field(message, "peer"));
    } else if (type == "message") {
      on_message(src, message.contains("payload") ? message["payload"] : Json());
    }
  }

  void on_heartbeat(const std::string& src, const std::string& their_peer) {
    std::string current;
    {
      std::lock_guard lock(mutex);
      current = peer;
    }
    if (current == src) {
      std::lock_guard lock(mutex);
      if (!their_peer.empty() && their_peer != id) {
        // It paired with someone else (it restarted its pairing): let go.
        peer.clear();
        set_ready_locked(false);
        return;
      }
      last_heard = Clock::now();
      set_ready_locked(true);
      return;
    }
    if (!their_peer.empty() && their_peer != id) return;  // taken by another member
    if (!current.empty()) {
      // A newcomer while paired: is our peer still there? (a restarted peer
      // comes back under a new id, and its old file refuses datagrams)
      std::string probe;
      {
        std::lock_guard lock(mutex);
        probe = heartbeat_text();
      }
      if (send_to(current, probe) != SendResult::gone) return;
      forget_if_peer(current);
    }
    pin(src);
  }

  void pin(const std::string& src) {
    std::string reply;
    {
      std::lock_guard lock(mutex);
      if (closed || !peer.empty()) return;
      peer = src;
      last_heard = Clock::now();
      RTCENGINE_LOG(info, "local signaler " << id << ": paired with " << src);
      reply = heartbeat_text();
      set_ready_locked(true);
    }
    // Answer at once so the other side is ready now, not at its next beat.
    send_to(src, reply);
  }

  void on_message(const std::string& src, const Json& payload) {
    std::string current;
    {
      std::lock_guard lock(mutex);
      current = peer;
    }
    if (current.empty()) {
      pin(src);
      std::lock_guard lock(mutex);
      current = peer;
    }
    if (current != src) return;
    std::lock_guard lock(mutex);
    last_heard = Clock::now();
    if (owner) owner->receive(payload);
  }

  void set_ready_locked(bool ready) {
    if (owner) owner->set_ready(ready);
  }

  void report(const Error& error) {
    std::lock_guard lock(mutex);
    if (owner) owner->report_error(error);
  }

  void shut_down() {
    boost::system::error_code ignored;
    heartbeat_timer.cancel();
    socket.close(ignored);
    if (send_fd >= 0) ::close(send_fd);
    send_fd = -1;
    std::error_code removed;
    fs::remove(folder / id, removed);
  }
};

namespace {

LocalSignalerOptions options_for(std::string channel) {
  LocalSignalerOptions options;
  options.channel = std::move(channel);
  return options;
}

}  // namespace

LocalSignaler::LocalSignaler(std::string channel) : LocalSignaler(options_for(std::move(channel))) {}

LocalSignaler::LocalSignaler(LocalSignalerOptions options) : impl_(std::make_shared<Impl>()) {
  if (options.heartbeat_interval.count() <= 0 ||
      options.heartbeat_timeout < options.heartbeat_interval) {
    throw InvalidOptionError(
        "LocalSignaler heartbeat_interval/heartbeat_timeout: need 0 < interval <= timeout");
  }
  fs::path base = options.directory.empty() ? default_directory() : fs::path(options.directory);
  impl_->folder = base / sanitized(options.channel);
  impl_->options = std::move(options);
  impl_->owner = this;
  auto impl = impl_;
  boost::asio::post(detail::local_io(), [impl] { impl->start(); });
}

LocalSignaler::~LocalSignaler() { close(); }

void LocalSignaler::send(const Json& message) {
  std::string text;
  std::string peer;
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->closed) throw ClosedError("LocalSignaler is closed");
    peer = impl_->peer;
    if (peer.empty()) throw Error("LocalSignaler: no peer on channel yet; wait until ready()");
    text = Json{{"type", "message"}, {"src", impl_->id}, {"payload", message}}.dump(
        -1, ' ', false, Json::error_handler_t::replace);
  }
  if (text.size() > kMaxDatagram) {
    throw Error("LocalSignaler: a message of " + std::to_string(text.size()) +
                " bytes is over the limit of " + std::to_string(kMaxDatagram) + " bytes");
  }
  switch (impl_->send_to(peer, text)) {
    case SendResult::sent: return;
    case SendResult::gone:
      impl_->forget_if_peer(peer);
      throw Error("LocalSignaler: the peer is gone");
    case SendResult::busy: throw Error("LocalSignaler: the peer is not reading (its queue is full)");
    case SendResult::failed:
      throw Error(std::string("LocalSignaler: send failed: ") + std::strerror(errno));
  }
}

void LocalSignaler::close() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->closed) return;
    impl_->closed = true;
    impl_->owner = nullptr;
  }
  set_ready(false);
  auto impl = impl_;
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  boost::asio::post(detail::local_io(), [impl, done] {
    impl->shut_down();
    done->set_value();
  });
  if (detail::local_io().get_executor().running_in_this_thread()) return;
  finished.wait_for(std::chrono::seconds(5));
}

void LocalSignaler::contribute_options(EngineOptions& options) const {
  options.allow_loopback = true;
  options.same_machine = true;
}

std::string LocalSignaler::id() const { return impl_->id; }

std::string LocalSignaler::peer_id() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->peer;
}

}  // namespace rtcengine
