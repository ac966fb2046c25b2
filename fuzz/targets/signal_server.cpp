// What rtcengine-signal parses from a client: the upgrade request's target
// and Authorization header, and each message it may relay. Rules: an
// accepted request names a valid room taken verbatim from the path; the
// streaming relay check agrees with a full parse (a relayed message is an
// object whose "type" is a string other than "room", exactly as the peer's
// parser will see it); the server's own messages are never relayable.
//
// Input: line 1 the request target, line 2 the Authorization header, the
// rest one message.
#include "tools/signal/control_message.hpp"
#include "tools/signal/message_check.hpp"
#include "tools/signal/upgrade_request.hpp"

#include <nlohmann/json.hpp>

#include "support/check.hpp"

namespace rtcengine::fuzz {
namespace {

using namespace rtcengine::signal_server;

void check_upgrade_request(std::string_view target, std::string_view authorization) {
  auto request = parse_upgrade_request(target, authorization);
  if (!request) return;
  require(is_valid_room_name(request->room),
          "an upgrade request with an invalid room was accepted");
  auto path = target.substr(1, target.find('?') == std::string_view::npos ? target.npos
                                                                          : target.find('?') - 1);
  require(request->room == path, "the room is not the request's path");
  (void)secrets_equal(request->secret, request->token);
}

void check_relay(std::string_view message) {
  bool relayable = is_relayable_message(message);
  auto parsed = nlohmann::json::parse(message, nullptr, false);
  bool should = !parsed.is_discarded() && parsed.is_object() && parsed.contains("type") &&
                parsed["type"].is_string() && parsed["type"] != "room";
  require(relayable == should, relayable ? "relayed a message the peer will not see as typed"
                                         : "refused a well-formed typed message");
}

void check_own_messages(std::string_view text, std::size_t pick) {
  constexpr RoomError kErrors[] = {
      RoomError::room_full,    RoomError::too_large,     RoomError::rate_limited,
      RoomError::unauthorized, RoomError::wrong_secret,  RoomError::server_full,
      RoomError::bad_message,  RoomError::slow_consumer, RoomError::shutting_down,
      RoomError::idle,         RoomError::no_peer};
  auto check = [](const std::string& own) {
    require(!is_relayable_message(own), "a client could forge a server message");
    auto parsed = nlohmann::json::parse(own, nullptr, false);
    require(parsed.is_object() && parsed["type"] == "room", "a server message is not a room event");
  };
  // The same for every input: checked once.
  static const bool fixed_ones_checked = [&] {
    for (bool present : {false, true}) check(welcome_message(present));
    check(peer_joined_message());
    check(peer_left_message());
    return true;
  }();
  (void)fixed_ones_checked;
  auto error = kErrors[pick % std::size(kErrors)];
  // Error texts are the server's own, valid UTF-8.
  auto clean = nlohmann::json(std::string(text))
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  check(error_message(error, clean));
  require(close_code(error) >= 1000 && !error_code(error).empty(), "an error without codes");
}

}  // namespace

void signal_server(Input input) {
  auto text = as_text(input);
  auto first = text.find('\n');
  auto target = text.substr(0, first);
  auto rest = first == text.npos ? std::string_view() : text.substr(first + 1);
  auto second = rest.find('\n');
  auto authorization = rest.substr(0, second);
  auto message = second == rest.npos ? std::string_view() : rest.substr(second + 1);
  check_upgrade_request(target, authorization);
  check_relay(message);
  check_own_messages(message.substr(0, 100), input.size());
}

}  // namespace rtcengine::fuzz
