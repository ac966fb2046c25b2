// `rtcengine chat`: lines typed here appear on the other side, and back.
#include <iostream>
#include <string>

#include "commands.hpp"
#include "interrupt.hpp"
#include "terminal_text.hpp"

namespace rtcengine::cli {

int run_chat(const GlobalOptions& options) {
  auto engine = make_engine(options);
  std::cout << "waiting for the other side on " << options.signal << std::endl;
  auto future = engine->socket("chat");
  auto socket = get_unless_interrupted(future);
  if (!socket) return kExitInterrupted;
  std::cout << "connected; type lines, Ctrl-D to leave" << std::endl;
  if (auto path = describe_path(*engine); !path.empty()) std::cout << printable(path) << std::endl;
  // The peer's line is one line here, whatever it holds.
  (*socket)->on_data([](const Message& message) {
    std::cout << "peer: " + printable(message.text()) << std::endl;
  });
  (*socket)->on_close([] { std::cout << "the other side left" << std::endl; });
  std::string line;
  while (!interrupted() && std::getline(std::cin, line)) {
    try {
      (*socket)->write(line);
    } catch (const ClosedError&) {
      std::cerr << "rtcengine chat: the other side left; the line was not sent" << std::endl;
      return kExitFailed;
    } catch (const UsageError&) {
      // JSON carries UTF-8 only; say so and keep chatting.
      std::cerr << "rtcengine chat: the line is not UTF-8 text; it was not sent" << std::endl;
    }
  }
  // Everything typed is delivered before the socket closes.
  (*socket)->close();
  (void)(*socket)->wait_closed(std::chrono::seconds(5));  // bounded; the process exits either way
  return interrupted() ? kExitInterrupted : kExitOk;
}

}  // namespace rtcengine::cli
