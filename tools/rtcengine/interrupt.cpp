#include "interrupt.hpp"

#include <csignal>

namespace rtcengine::cli {
namespace {

volatile std::sig_atomic_t interrupt_flag = 0;

void on_signal(int) { interrupt_flag = 1; }

}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() { return interrupt_flag != 0; }

}  // namespace rtcengine::cli
