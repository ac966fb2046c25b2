// A sender that lies about file names, to test that `rtcengine receive`
// keeps every file inside its folder. It speaks the CLI's own protocol
// (manifest on "rtcengine-files", one transaction per file) and prints
//   accepted NAME | refused NAME: reason
#include <CLI/CLI.hpp>

#include <iostream>

#include <rtcengine/rtcengine.hpp>

using namespace std::chrono_literals;

int main(int argc, char** argv) {
  CLI::App app{"hostile sender"};
  std::string channel;
  std::vector<std::string> names;
  app.add_option("--channel", channel)->required();
  app.add_option("names", names)->required();
  CLI11_PARSE(app, argc, argv);

  auto engine = rtcengine::Engine::create(std::make_shared<rtcengine::LocalSignaler>(channel));
  auto control = engine->socket("rtcengine-files").get();
  rtcengine::Json files = rtcengine::Json::array();
  for (const auto& name : names) files.push_back({{"name", name}, {"size", 3}});
  control->write_event("manifest", {{"files", files}});
  for (const auto& name : names) {
    auto writer = engine->writable(rtcengine::Json{{"name", name}, {"size", 3}}).get();
    try {
      writer->write("bad", 3);
      writer->end();
      writer->wait(20s);
      std::cout << "accepted " << name << std::endl;
    } catch (const rtcengine::TransferError& error) {
      std::cout << "refused " << name << ": " << error.what() << std::endl;
    }
  }
  control->close();
  (void)control->wait_closed(5s);  // bounded; the process exits either way
  return 0;
}
