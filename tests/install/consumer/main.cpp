// Builds against the installed headers and library and uses a little of
// each part: options, an engine with LocalSignaler, transactions' names.
#include <iostream>

#include <rtcengine/rtcengine.hpp>

int main() {
  rtcengine::EngineOptions options;
  options.auto_connect = false;
  options.validate();
  auto engine = rtcengine::Engine::create(
      std::make_shared<rtcengine::LocalSignaler>("install-check"), options);
  std::cout << "state " << rtcengine::to_string(engine->state()) << ", "
            << rtcengine::to_string(rtcengine::TransferState::done) << std::endl;
  engine->close();
  return 0;
}
