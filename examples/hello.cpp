// The seed's example in C++: run it in two terminals. Both find each other
// through LocalSignaler, open socket "hello", greet, and print what arrives.
// Press Enter to quit. An optional argument names the channel.
#include <iostream>

#include <rtcengine/rtcengine.hpp>

int main(int argc, char** argv) {
  auto signaler = std::make_shared<rtcengine::LocalSignaler>(argc > 1 ? argv[1] : "rtcengine");
  auto engine = rtcengine::Engine::create(signaler);

  engine->socket("hello", [](rtcengine::SocketPtr socket) {
    socket->on_data([](const rtcengine::Message& message) {
      std::cout << "Received: " << message.text() << std::endl;
    });
    socket->write("hello RTCEngine");
  });

  std::cin.get();
}
