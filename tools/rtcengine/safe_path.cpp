#include "safe_path.hpp"

#include <stdexcept>
#include <vector>

namespace rtcengine::cli {
namespace {

std::vector<std::string> split_components(const std::string& name) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : name) {
    if (c == '/') {
      parts.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  parts.push_back(current);
  return parts;
}

}  // namespace

std::filesystem::path resolve_under(const std::filesystem::path& root, const std::string& name) {
  auto refuse = [&](const std::string& why) {
    return std::runtime_error("refused the file name \"" + name + "\" from the peer: " + why);
  };
  if (name.empty()) throw refuse("it is empty");
  if (name.size() > 4096) throw refuse("it is too long");
  if (name.front() == '/') throw refuse("absolute paths are not accepted");
  if (name.find('\0') != std::string::npos) throw refuse("it contains a NUL byte");
  if (name.find('\\') != std::string::npos) throw refuse("backslashes are not accepted");
  auto parts = split_components(name);
  for (const auto& part : parts) {
    if (part.empty() || part == ".") throw refuse("it has an empty or \".\" component");
    if (part == "..") throw refuse("\"..\" would leave the receive folder");
    if (part.size() > 255) throw refuse("a component is longer than 255 bytes");
  }
  std::filesystem::path path = root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    path /= parts[i];
    auto status = std::filesystem::symlink_status(path);
    if (status.type() == std::filesystem::file_type::symlink) {
      throw refuse("\"" + path.string() + "\" is a symlink");
    }
    if (status.type() == std::filesystem::file_type::not_found) {
      std::filesystem::create_directory(path);
    } else if (status.type() != std::filesystem::file_type::directory) {
      throw refuse("\"" + path.string() + "\" is not a folder");
    }
  }
  path /= parts.back();
  if (std::filesystem::symlink_status(path).type() == std::filesystem::file_type::symlink) {
    throw refuse("\"" + path.string() + "\" is a symlink");
  }
  return path;
}

}  // namespace rtcengine::cli
