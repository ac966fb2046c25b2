#include "message_check.hpp"

#include <nlohmann/json.hpp>

namespace rtcengine::signal_server {
namespace {

// Watches only the top level: the first event must open an object, and the
// value of its "type" key must be a string.
class TypeFinder : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool is_object = false;
  bool has_type = false;
  bool type_is_room = false;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool string(string_t& text) override {
    if (depth_ == 1 && at_type_key_) {
      has_type = true;
      type_is_room = text == "room";
      at_type_key_ = false;  // recorded: not to be forgotten by value()
    }
    return value();
  }
  bool start_object(std::size_t) override {
    if (depth_ == 0 && !started_) is_object = true;
    started_ = true;
    forget_type_if_here();
    at_type_key_ = false;
    ++depth_;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    started_ = true;
    forget_type_if_here();
    at_type_key_ = false;
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool key(string_t& name) override {
    at_type_key_ = depth_ == 1 && name == "type";
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool value() {
    started_ = true;
    forget_type_if_here();
    at_type_key_ = false;
    return true;
  }

  // A repeated "type" key: the last one counts, as in the peer's parser, so
  // {"type":"x","type":5} has no string type.
  void forget_type_if_here() {
    if (depth_ == 1 && at_type_key_) has_type = type_is_room = false;
  }

  int depth_ = 0;
  bool started_ = false;
  bool at_type_key_ = false;
};

}  // namespace

bool is_relayable_message(std::string_view text) {
  TypeFinder finder;
  if (!nlohmann::json::sax_parse(text, &finder)) return false;
  return finder.is_object && finder.has_type && !finder.type_is_room;
}

}  // namespace rtcengine::signal_server
