// rtcengine: chat, send and receive files between two peers.
//   rtcengine chat [--channel NAME]
//   rtcengine send FILE... [--channel NAME] [--json]
//   rtcengine receive [DIR] [--channel NAME] [--json] [--overwrite]
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.hpp"
#include "interrupt.hpp"
#include "terminal_text.hpp"
#include "transfer_code.hpp"

using namespace rtcengine::cli;

int main(int argc, char** argv) {
  CLI::App app{"RTCEngine: peer-to-peer chat and file transfer over WebRTC"};
  app.require_subcommand(1);
  // Global options may also come after the subcommand.
  app.fallthrough();
  GlobalOptions options;
  std::string channel;
  app.add_option(
      "--signal", options.signal,
      "signaler: local:NAME (peers on this machine) or ws[s]://HOST:PORT/ROOM (rtcengine-signal)");
  app.add_option("--channel", channel, "shorthand for --signal local:NAME");
  app.add_option("--signal-token", options.signal_token,
                 "access token of the rtcengine-signal server");
  app.add_option("--signal-ca", options.signal_ca,
                 "wss://: PEM file of the CA (or self-signed certificate) to trust")
      ->check(CLI::ExistingFile);
  app.add_option("--ice-server", options.ice_servers,
                 "STUN/TURN server, repeatable: stun:HOST:PORT, turn:USER:PASS@HOST:PORT");
  app.add_option("--ice-policy", options.ice_policy, "all or relay")
      ->check(CLI::IsMember({"all", "relay"}));
  app.add_option("--interface", options.interfaces, "gather ICE candidates only on this interface");
  app.add_option(
      "--sctp-packet-size", options.sctp_packet_size,
      "largest packet sent, 1024..2048 bytes (default 1191, 2048 with local:); larger is "
      "faster where the path carries it unfragmented (jumbo-frame LAN)");
  app.add_flag("--verbose,-v", options.verbose, "log what the engine does");
  app.add_flag("--allow-loopback", options.allow_loopback,
               "also connect over loopback (127.0.0.1), e.g. to a browser on this machine "
               "through rtcengine-signal; local: channels always do");
  app.add_option("--secret", options.secret,
                 "shared secret both sides give: signaling is authenticated end to end");

  TransferFlags flags;
  auto* chat = app.add_subcommand("chat", "chat with the other side, line by line");
  chat->add_option("--channel", channel, "shorthand for --signal local:NAME");

  std::vector<std::string> paths;
  auto* send = app.add_subcommand("send", "send files or folders");
  send->add_option("files", paths, "files and folders")->required();
  send->add_option("--channel", channel, "shorthand for --signal local:NAME");
  send->add_flag("--json", flags.json, "machine-readable progress, one JSON object per line");
  bool make_code = false;
  auto* code_flag = send->add_flag(
      "--code", make_code,
      "print a code for the receiver; it names the room and authenticates both sides");
  bool make_word_code = false;
  send->add_flag("--words", make_word_code,
                 "like --code, but short enough to read out (7-apple-river): a room number and "
                 "two words; a wrong guess costs the guesser a try against this run")
      ->excludes(code_flag);

  std::string directory = ".";
  auto* receive = app.add_subcommand("receive", "receive files into a folder");
  receive->add_option("dir", directory, "where files go (default: current folder)");
  receive->add_option("--channel", channel, "shorthand for --signal local:NAME");
  receive->add_flag("--json", flags.json, "machine-readable progress, one JSON object per line");
  receive->add_flag("--overwrite", flags.overwrite, "replace files that already exist");
  std::string code;
  receive->add_option("--code", code, "the code the sender printed (--code or --words)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? kExitOk : kExitUsage;
  }
  bool signal_given = app.count("--signal") > 0 || !channel.empty();
  if (!channel.empty()) options.signal = "local:" + channel;
  install_interrupt_handler();
  // Every error ends here with a message and a status; none reaches terminate().
  try {
    if (make_code || make_word_code) {
      code = make_code ? new_transfer_code() : new_word_code();
      std::cout << "code: " << code << "   (on the other side: rtcengine receive --code " << code
                << ")" << std::endl;
    }
    if (!code.empty()) apply_transfer_code(options, code, signal_given);
    if (*chat) return run_chat(options);
    if (*send) return run_send(options, paths, flags);
    if (*receive) return run_receive(options, directory, flags);
  } catch (const rtcengine::InvalidOptionError& error) {
    std::cerr << "rtcengine: " << printable(error.what()) << std::endl;
    return kExitUsage;
  } catch (const std::exception& error) {
    std::cerr << "rtcengine: " << printable(error.what()) << std::endl;
    return kExitFailed;
  } catch (...) {
    std::cerr << "rtcengine: an unknown error" << std::endl;
    return kExitFailed;
  }
  return kExitUsage;
}
