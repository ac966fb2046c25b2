// A scripted peer for process-level tests: connects through LocalSignaler,
// opens one negotiated socket, optionally sends numbered messages or echoes,
// and prints one line per event so the test can follow it:
//   state <name> | open <label> | recv <text> | closed <label> | error <text> | done
#include <CLI/CLI.hpp>

#include <atomic>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include <rtcengine/rtcengine.hpp>

using namespace std::chrono_literals;

namespace {

std::mutex print_mutex;

void print(const std::string& line) {
  std::lock_guard lock(print_mutex);
  std::cout << line << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"RTCEngine test peer"};
  std::string channel = "rtcengine-test", directory, label = "work", interface_name;
  int count = 0, interval_ms = 10, expect = 0, failed_after_ms = 3000;
  bool echo = false, reopen = false;
  app.add_option("--channel", channel);
  app.add_option("--dir", directory);
  app.add_option("--label", label);
  app.add_option("--interface", interface_name, "only gather on this interface");
  app.add_option("--count", count, "numbered messages to send");
  app.add_option("--interval-ms", interval_ms);
  app.add_option("--expect", expect, "exit once this many messages arrived");
  app.add_option("--failed-after-ms", failed_after_ms);
  app.add_flag("--echo", echo, "send every message back");
  app.add_flag("--reopen", reopen, "open the socket again when it closes");
  CLI11_PARSE(app, argc, argv);

  rtcengine::LocalSignalerOptions signaler_options;
  signaler_options.channel = channel;
  signaler_options.directory = directory;
  auto signaler = std::make_shared<rtcengine::LocalSignaler>(signaler_options);

  rtcengine::EngineOptions options;
  if (!interface_name.empty()) options.network_interfaces = {interface_name};
  options.failed_after = std::chrono::milliseconds(failed_after_ms);
  options.disconnected_after = std::min(options.disconnected_after, options.failed_after / 2);
  auto engine = rtcengine::Engine::create(signaler, options);
  engine->on_state_change([](rtcengine::ConnectionState state) {
    print("state " + std::string(rtcengine::to_string(state)));
  });
  engine->on_error(
      [](const rtcengine::Error& error) { print(std::string("error ") + error.what()); });

  std::mutex mutex;
  std::condition_variable changed;
  rtcengine::SocketPtr socket;
  std::atomic<int> received{0};

  std::function<void()> open_socket = [&] {
    engine->socket(label, [&](rtcengine::SocketPtr opened) {
      opened->on_data([&, opened](const rtcengine::Message& message) {
        print("recv " + message.text());
        // On the engine's thread a write cannot wait: an echo finding the buffer full is dropped.
        if (echo) (void)opened->try_write("echo " + message.text());
        ++received;
        changed.notify_all();
      });
      opened->on_close([&] {
        print("closed " + label);
        if (reopen && engine->state() != rtcengine::ConnectionState::closed) open_socket();
      });
      {
        std::lock_guard lock(mutex);
        socket = opened;
      }
      print("open " + label);
      changed.notify_all();
    });
  };
  open_socket();

  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return socket != nullptr; });
  }
  for (int i = 1; i <= count; ++i) {
    rtcengine::SocketPtr current;
    {
      std::lock_guard lock(mutex);
      current = socket;
    }
    current->write("m" + std::to_string(i));
    std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
  }
  if (expect > 0) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return received.load() >= expect; });
  } else if (count == 0) {
    // A service peer (echo) runs until the test stops it.
    std::unique_lock lock(mutex);
    changed.wait(lock, [] { return false; });
  }
  print("done");
  // Let the last frames leave before the process goes.
  std::this_thread::sleep_for(300ms);
  return 0;
}
