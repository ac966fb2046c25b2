#include "util/untrusted_json.hpp"

#include <utility>
#include <vector>

namespace rtcengine::detail {
namespace {

// Nesting of the text's arrays and objects, strings skipped; stops counting
// past `limit`. Malformed text is the parser's to report.
std::size_t nesting_of(std::string_view text, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::size_t string_bytes(const std::string& text) {
  // Short strings live inside the object (small-string optimisation).
  return sizeof(std::string) + (text.capacity() > 15 ? text.capacity() + 1 : 0);
}

}  // namespace

ParsedJson parse_untrusted_json(std::string_view text, std::size_t max_depth) {
  ParsedJson result;
  if (nesting_of(text, max_depth) > max_depth) {
    result.value = nlohmann::json::value_t::discarded;
    result.error = "it is nested deeper than " + std::to_string(max_depth) + " levels";
    result.too_deep = true;
    return result;
  }
  result.value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (result.value.is_discarded()) result.error = "it is not JSON";
  return result;
}

JsonShape measure_json(const nlohmann::json& value) {
  // Per element of an object: the tree node, its key and the value.
  constexpr std::size_t kMapNode = 48;
  JsonShape shape;
  std::vector<std::pair<const nlohmann::json*, std::size_t>> pending{{&value, 1}};
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    shape.depth = std::max(shape.depth, depth);
    shape.bytes += sizeof(nlohmann::json);
    if (node->is_string()) {
      shape.bytes += string_bytes(node->get_ref<const std::string&>());
    } else if (node->is_object()) {
      shape.bytes += sizeof(nlohmann::json::object_t);
      for (const auto& [key, child] : node->items()) {
        shape.bytes += kMapNode + string_bytes(key);
        pending.emplace_back(&child, depth + 1);
      }
    } else if (node->is_array()) {
      const auto& array = node->get_ref<const nlohmann::json::array_t&>();
      shape.bytes += sizeof(nlohmann::json::array_t) +
                     (array.capacity() - array.size()) * sizeof(nlohmann::json);
      for (const auto& child : array) pending.emplace_back(&child, depth + 1);
    } else if (node->is_binary()) {
      shape.bytes += node->get_binary().capacity();
    }
  }
  return shape;
}

}  // namespace rtcengine::detail
