#include "transaction/save_target.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "rtcengine/errors.hpp"
#include "socket/frame_codec.hpp"

namespace rtcengine::detail {
namespace {

constexpr std::size_t kMaxNameBytes = 4096;
constexpr std::size_t kMaxComponentBytes = 255;

std::vector<std::string> split_components(const std::string& name) {
  std::vector<std::string> parts(1);
  for (char c : name) {
    if (c == '/') {
      parts.emplace_back();
    } else {
      parts.back().push_back(c);
    }
  }
  return parts;
}

bool has_control_character(const std::string& name) {
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// The components of a peer's name; throws TransferError naming the problem.
std::vector<std::string> checked_components(const std::string& name) {
  auto refuse = [&](const std::string& why) {
    return TransferError("refused the file name " + quoted_preview(name, 300) +
                         " from the peer: " + why);
  };
  if (name.empty()) throw refuse("it is empty");
  if (name.size() > kMaxNameBytes) throw refuse("it is longer than 4096 bytes");
  if (name.front() == '/') throw refuse("absolute paths are not accepted");
  if (name.find('\\') != std::string::npos) throw refuse("backslashes are not accepted");
  if (has_control_character(name)) throw refuse("it contains control characters");
  auto parts = split_components(name);
  for (const auto& part : parts) {
    if (part.empty() || part == ".") throw refuse("it has an empty or \".\" component");
    if (part == "..") throw refuse("\"..\" would leave the receive folder");
    if (part.size() > kMaxComponentBytes) throw refuse("a component is longer than 255 bytes");
  }
  return parts;
}

UniqueFd open_folder(int at, const std::string& name, int extra_flags) {
  return UniqueFd(::openat(at, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | extra_flags));
}

// Opens (creating it if missing) the subfolder `name` of `parent`, refusing
// symlinks and anything that is not a folder.
UniqueFd enter_subfolder(int parent, const std::string& name, const std::string& shown) {
  if (::mkdirat(parent, name.c_str(), 0755) != 0 && errno != EEXIST) {
    throw TransferError("cannot create the folder \"" + shown + "\": " + std::strerror(errno));
  }
  auto folder = open_folder(parent, name, O_NOFOLLOW);
  if (folder) return folder;
  int error = errno;
  struct stat status {};
  if (::fstatat(parent, name.c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(status.st_mode)) {
      throw TransferError("\"" + shown + "\" is a symlink; files are not written through links");
    }
    if (!S_ISDIR(status.st_mode)) throw TransferError("\"" + shown + "\" is not a folder");
  }
  throw TransferError("cannot open the folder \"" + shown + "\": " + std::strerror(error));
}

}  // namespace

SaveTarget SaveTarget::at(const std::filesystem::path& path) {
  auto leaf = path.filename().string();
  if (leaf.empty() || leaf == "." || leaf == "..") {
    throw TransferError("\"" + path.string() + "\" does not name a file");
  }
  auto parent = path.parent_path();
  auto folder = open_folder(AT_FDCWD, parent.empty() ? "." : parent.string(), 0);
  if (!folder) {
    throw TransferError("cannot open the folder of \"" + path.string() +
                        "\": " + std::strerror(errno));
  }
  return SaveTarget(std::move(folder), leaf, path.string());
}

SaveTarget SaveTarget::under(const std::filesystem::path& root, const std::string& name) {
  auto parts = checked_components(name);
  auto folder = open_folder(AT_FDCWD, root.string(), 0);
  if (!folder) {
    throw TransferError("cannot open the receive folder \"" + root.string() +
                        "\": " + std::strerror(errno));
  }
  std::string shown;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    shown += (i > 0 ? "/" : "") + parts[i];
    folder = enter_subfolder(folder.get(), parts[i], shown);
  }
  return SaveTarget(std::move(folder), parts.back(), name);
}

std::string SaveTarget::shown_sibling(const std::string& leaf) const {
  auto slash = shown_.rfind('/');
  return slash == std::string::npos ? leaf : shown_.substr(0, slash + 1) + leaf;
}

}  // namespace rtcengine::detail
