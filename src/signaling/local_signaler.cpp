// LocalSignaler: members of a channel are Unix datagram sockets in one
// folder, named by random ids. Filesystem paths (not abstract sockets) so
// that processes in different network namespaces still meet, and so that a
// datagram's sender is known: each member sends from its bound socket, and
// a message counts only when its "src" names the socket it came from.
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
#include "signaling/io_thread.hpp"
#include "signaling/rendezvous_folder.hpp"
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

enum class SendResult { sent, gone, busy, failed };

// Text from another process, quoted with control characters escaped, so a
// report printed on a terminal cannot carry escape sequences.
std::string quoted(const std::string& text) {
  return Json(text).dump(-1, ' ', true, Json::error_handler_t::replace);
}

}  // namespace

struct LocalSignaler::Impl : std::enable_shared_from_this<Impl> {
  LocalSignalerOptions options;
  fs::path folder;  // canonical, so every member spells a member's path alike
  std::string id = random_id();
  Datagram::socket socket{detail::io_thread_context()};
  Datagram::endpoint sender;  // of the datagram being received
  boost::asio::steady_timer heartbeat_timer{detail::io_thread_context()};
  std::vector<char> buffer = std::vector<char>(kMaxDatagram + 1);
  // The bound socket's descriptor, for sending from any thread; -1 once
  // closed. The lock keeps it from closing under a sendto.
  std::mutex send_mutex;
  int send_fd = -1;

  mutable std::mutex mutex;  // guards everything below and `owner`
  LocalSignaler* owner = nullptr;
  bool closed = false;
  std::string peer;
  Clock::time_point last_heard;

  // ---- sending, any thread ----
  SendResult send_to(const std::string& member, const std::string& text, int* failure = nullptr) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string path = (folder / member).string();
    if (path.size() >= sizeof address.sun_path) return SendResult::failed;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    int error = EBADF;
    {
      std::lock_guard lock(send_mutex);
      if (send_fd >= 0) {
        ssize_t sent = ::sendto(send_fd, text.data(), text.size(), MSG_DONTWAIT,
                                reinterpret_cast<sockaddr*>(&address), sizeof address);
        if (sent == static_cast<ssize_t>(text.size())) return SendResult::sent;
        error = sent < 0 ? errno : EMSGSIZE;
      }
    }
    if (failure) *failure = error;
    if (error == ECONNREFUSED) {
      // Nobody is bound there: a member that crashed left its file behind.
      std::error_code ignored;
      fs::remove(path, ignored);
      return SendResult::gone;
    }
    if (error == ENOENT) return SendResult::gone;
    if (error == EAGAIN || error == EWOULDBLOCK) return SendResult::busy;
    return SendResult::failed;
  }

  std::string heartbeat_text() const {
    return Json{{"type", "heartbeat"}, {"src", id}, {"peer", peer}}.dump();
  }

  // ---- caller's thread, before the io thread knows this member ----
  // Binds this member's socket in its channel folder; throws SignalingError.
  void bind_member_socket(const fs::path& base, const std::string& channel) {
    detail::ensure_private_folder(base);
    detail::sweep_stale_members(base);
    std::error_code error;
    folder = fs::canonical(base, error) / channel;
    if (error) folder = base / channel;
    boost::system::error_code bind_error;
    // Another member sweeping the base, or the channel's last member
    // leaving, may remove the channel folder between our mkdir and bind (it
    // was empty then): make it again.
    for (int attempt = 0; attempt < 10; ++attempt) {
      ::mkdir(folder.c_str(), 0700);
      if (socket.is_open()) socket.close(bind_error);
      socket.open(Datagram(), bind_error);
      if (!bind_error) socket.bind(Datagram::endpoint((folder / id).string()), bind_error);
      if (bind_error != boost::system::errc::no_such_file_or_directory) break;
    }
    if (bind_error) {
      throw SignalingError("LocalSignaler: cannot listen at " + (folder / id).string() + ": " +
                           bind_error.message());
    }
    int size = 1 << 20;
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    send_fd = socket.native_handle();
  }

  // ---- io thread ----
  void start() {
    receive_next();
    guarded("heartbeat", [this] { beat(); });
  }

  // Runs `step`; an exception would end the shared I/O thread (and the
  // process), so it is reported instead and the signaler goes on.
  template <typename Step>
  void guarded(const char* what, Step step) {
    try {
      step();
    } catch (const std::exception& error) {
      report(Error(std::string("LocalSignaler: ") + what + " failed: " + error.what()));
    }
  }

  void receive_next() {
    auto self = shared_from_this();
    socket.async_receive_from(boost::asio::buffer(buffer), sender,
                              [self](const boost::system::error_code& error, std::size_t size) {
                                if (error == boost::asio::error::operation_aborted) return;
                                if (!error) {
                                  self->guarded("a datagram", [&] {
                                    self->on_datagram(std::string(self->buffer.data(), size));
                                  });
                                }
                                if (self->socket.is_open()) self->receive_next();
                              });
  }

  // Sends a heartbeat to every member, forgets a silent peer, and repeats.
  void beat() {
    // Re-armed first: nothing below may stop the heartbeats.
    auto self = shared_from_this();
    heartbeat_timer.expires_after(options.heartbeat_interval);
    heartbeat_timer.async_wait([self](const boost::system::error_code& error) {
      if (!error) self->guarded("heartbeat", [&] { self->beat(); });
    });
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
    for (fs::directory_iterator entry(folder, error), end; !error && entry != end;
         entry.increment(error)) {
      std::string name = entry->path().filename().string();
      if (name != id && detail::is_member_id(name)) members.push_back(name);
    }
    for (const auto& member : members) {
      if (send_to(member, text) == SendResult::gone) forget_if_peer(member);
    }
  }

  void forget_if_peer(const std::string& member) {
    std::lock_guard lock(mutex);
    if (peer != member) return;
    RTCENGINE_LOG(info, "local signaler " << id << ": peer " << member << " is gone");
    peer.clear();
    set_ready_locked(false);
  }

  void on_datagram(const std::string& text) {
    Json message = detail::parse_untrusted_json(text).value;
    std::string type = detail::string_field(message, "type");
    std::string src = detail::string_field(message, "src");
    if (type.empty() || src.empty()) {
      report(ProtocolError("LocalSignaler: ignored a datagram that is not a channel message: " +
                           quoted(text.substr(0, 80))));
      return;
    }
    if (src == id) return;
    if (!detail::is_member_id(src) || sender.path() != (folder / src).string()) {
      report(ProtocolError("LocalSignaler: ignored a datagram claiming to come from member " +
                           quoted(src.substr(0, 40)) + " but sent from " + quoted(sender.path()) +
                           " (a process forging another member's messages?)"));
      return;
    }
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
    if (!owner) return;
    try {
      owner->report_error(error);
    } catch (const std::exception& thrown) {
      // The user's error handler threw, on the shared I/O thread.
      RTCENGINE_LOG(error, "local signaler: an error handler threw: "
                               << thrown.what() << " (reporting: " << error.what() << ")");
    }
  }

  void shut_down() {
    boost::system::error_code ignored;
    heartbeat_timer.cancel();
    {
      std::lock_guard lock(send_mutex);
      socket.close(ignored);
      send_fd = -1;
    }
    std::error_code removed;
    fs::remove(folder / id, removed);
    detail::remove_if_empty(folder);  // the last member leaves no folder behind
  }
};

namespace {

LocalSignalerOptions options_for(std::string channel) {
  LocalSignalerOptions options;
  options.channel = std::move(channel);
  return options;
}

}  // namespace

LocalSignaler::LocalSignaler(std::string channel)
    : LocalSignaler(options_for(std::move(channel))) {}

LocalSignaler::LocalSignaler(LocalSignalerOptions options) : impl_(std::make_shared<Impl>()) {
  if (options.heartbeat_interval.count() <= 0 ||
      options.heartbeat_timeout < options.heartbeat_interval) {
    throw InvalidOptionError(
        "LocalSignaler heartbeat_interval/heartbeat_timeout: need 0 < interval <= timeout");
  }
  fs::path base =
      options.directory.empty() ? detail::default_rendezvous_base() : fs::path(options.directory);
  impl_->bind_member_socket(base, sanitized(options.channel));
  impl_->options = std::move(options);
  impl_->owner = this;
  auto impl = impl_;
  boost::asio::post(detail::io_thread_context(), [impl] { impl->start(); });
}

LocalSignaler::~LocalSignaler() {
  // close() runs the ready listeners; none of their exceptions may leave a destructor.
  try {
    close();
  } catch (const std::exception& error) {
    RTCENGINE_LOG(error, "local signaler: closing failed: " << error.what());
  } catch (...) {
    RTCENGINE_LOG(error, "local signaler: closing failed");
  }
}

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
  int failure = 0;
  switch (impl_->send_to(peer, text, &failure)) {
    case SendResult::sent: return;
    case SendResult::gone:
      impl_->forget_if_peer(peer);
      throw Error("LocalSignaler: the peer is gone");
    case SendResult::busy:
      throw Error("LocalSignaler: the peer is not reading (its queue is full)");
    case SendResult::failed:
      throw Error(std::string("LocalSignaler: send failed: ") + std::strerror(failure));
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
  boost::asio::post(detail::io_thread_context(), [impl, done] {
    impl->shut_down();
    done->set_value();
  });
  if (detail::io_thread_context().get_executor().running_in_this_thread()) return;
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
