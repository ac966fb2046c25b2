#include "webrtc/netlink_network_monitor.hpp"
#include "webrtc/runtime_internal.hpp"
#include "webrtc/sctp_factory.hpp"

#include <future>
#include <mutex>

#include <api/call/call_factory_interface.h>
#include <api/create_peerconnection_factory.h>
#include <api/rtc_event_log/rtc_event_log_factory.h>
#include <api/task_queue/default_task_queue_factory.h>
#include <api/units/time_delta.h>
#include <call/call_factory.h>
#include <rtc_base/logging.h>
#include <rtc_base/ssl_adapter.h>

#include <openssl/crypto.h>

namespace rtcengine::detail {
namespace {

class ThreadEventLoop final : public EventLoop {
 public:
  explicit ThreadEventLoop(rtc::Thread& thread) : thread_(thread) {}

  void post(std::function<void()> task) override {
    thread_.PostTask([task = std::move(task)] { task(); });
  }

  void post_after(std::chrono::milliseconds delay, std::function<void()> task) override {
    thread_.PostDelayedTask([task = std::move(task)] { task(); },
                            webrtc::TimeDelta::Millis(delay.count()));
  }

  bool is_current() const override { return thread_.IsCurrent(); }

  void run_and_wait(std::function<void()> task) override {
    if (is_current()) {
      task();
      return;
    }
    thread_.BlockingCall([&] { task(); });
  }

 private:
  rtc::Thread& thread_;
};

rtc::LoggingSeverity to_severity(LogLevel level) {
  switch (level) {
    case LogLevel::none: return rtc::LS_NONE;
    case LogLevel::error: return rtc::LS_ERROR;
    case LogLevel::warning: return rtc::LS_WARNING;
    case LogLevel::info: return rtc::LS_INFO;
    case LogLevel::verbose: return rtc::LS_VERBOSE;
  }
  return rtc::LS_NONE;
}

}  // namespace

LibwebrtcRuntime::LibwebrtcRuntime() {
  // libwebrtc logs everything to stderr by default; stay silent until asked.
  rtc::LogMessage::LogToDebug(rtc::LS_NONE);
  rtc::LogMessage::SetLogToStderr(false);
  // The runtime's threads live until the process ends; OpenSSL's exit-time
  // cleanup would pull the library from under a connection still closing.
  OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
  rtc::InitializeSSL();

  network_thread_ = rtc::Thread::CreateWithSocketServer();
  network_thread_->SetName("rtcengine-net", nullptr);
  network_thread_->Start();
  worker_thread_ = rtc::Thread::Create();
  worker_thread_->SetName("rtcengine-work", nullptr);
  worker_thread_->Start();
  signaling_thread_ = rtc::Thread::Create();
  signaling_thread_->SetName("rtcengine-loop", nullptr);
  signaling_thread_->Start();
  loop_ = std::make_unique<ThreadEventLoop>(*signaling_thread_);

  network_thread_->BlockingCall([this] {
    // CreateWithSocketServer() made the platform's socket server.
    auto& sockets = static_cast<rtc::PhysicalSocketServer&>(*network_thread_->socketserver());
    network_monitor_factory_ = make_netlink_network_monitor_factory(sockets);
    network_manager_ =
        std::make_unique<rtc::BasicNetworkManager>(network_monitor_factory_.get(), &sockets);
    socket_factory_ =
        std::make_unique<rtc::BasicPacketSocketFactory>(network_thread_->socketserver());
  });

  webrtc::PeerConnectionFactoryDependencies deps;
  deps.network_thread = network_thread_.get();
  deps.worker_thread = worker_thread_.get();
  deps.signaling_thread = signaling_thread_.get();
  deps.task_queue_factory = webrtc::CreateDefaultTaskQueueFactory();
  deps.call_factory = webrtc::CreateCallFactory();
  deps.event_log_factory =
      std::make_unique<webrtc::RtcEventLogFactory>(deps.task_queue_factory.get());
  deps.sctp_factory = make_sctp_factory(*network_thread_);
  factory_ = webrtc::CreateModularPeerConnectionFactory(std::move(deps));

  // Loopback filtering is done per connection (FilteredNetworkManager), so the
  // factory must not drop loopback networks for everyone.
  webrtc::PeerConnectionFactoryInterface::Options options;
  options.network_ignore_mask = 0;
  factory_->SetOptions(options);
}

EventLoop& LibwebrtcRuntime::loop() { return *loop_; }

void LibwebrtcRuntime::request_log_level(LogLevel level) {
  int wanted = static_cast<int>(to_severity(level));
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (log_level_ != -1 && wanted >= log_level_) return;
  log_level_ = wanted;
  rtc::LogMessage::LogToDebug(static_cast<rtc::LoggingSeverity>(wanted));
  rtc::LogMessage::SetLogToStderr(level != LogLevel::none);
}

LibwebrtcRuntime& LibwebrtcRuntime::get() {
  // Never destroyed: engines may still be closing on the loop thread while
  // static destructors run, and libwebrtc threads must not be torn down then.
  static LibwebrtcRuntime* runtime = new LibwebrtcRuntime();
  return *runtime;
}

Runtime& Runtime::instance() { return LibwebrtcRuntime::get(); }

}  // namespace rtcengine::detail
