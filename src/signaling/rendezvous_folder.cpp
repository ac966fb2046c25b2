#include "signaling/rendezvous_folder.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "rtcengine/errors.hpp"

namespace rtcengine::detail {
namespace fs = std::filesystem;

namespace {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

[[noreturn]] void refuse(const fs::path& base, const std::string& what) {
  throw SignalingError("LocalSignaler: the folder " + base.string() + " " + what +
                       ", so other users could read the channel's messages or delete its sockets. "
                       "Set XDG_RUNTIME_DIR to a folder only you can open, or have " +
                       base.string() + " removed");
}

// Nobody bound to it: connecting a datagram socket is refused.
bool nobody_listens_at(const fs::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::string text = path.string();
  if (text.size() >= sizeof address.sun_path) return false;
  std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
  int probe = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return false;
  bool refused = ::connect(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 &&
                 errno == ECONNREFUSED;
  ::close(probe);
  return refused;
}

}  // namespace

fs::path default_rendezvous_base() {
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime) {
    return fs::path(runtime) / "rtcengine";
  }
  return fs::path("/tmp") / ("rtcengine-" + std::to_string(::geteuid()));
}

void ensure_private_folder(const fs::path& base) {
  if (base.has_parent_path()) {
    std::error_code ignored;
    fs::create_directories(base.parent_path(), ignored);
  }
  if (::mkdir(base.c_str(), 0700) != 0 && errno != EEXIST) {
    throw SignalingError("LocalSignaler: cannot create the folder " + base.string() + ": " +
                         std::strerror(errno) + "; set XDG_RUNTIME_DIR to a folder of your own");
  }
  struct stat info {};
  if (::lstat(base.c_str(), &info) != 0) {
    throw SignalingError("LocalSignaler: cannot inspect the folder " + base.string() + ": " +
                         std::strerror(errno) + "; set XDG_RUNTIME_DIR to a folder of your own");
  }
  if (S_ISLNK(info.st_mode)) refuse(base, "is a symbolic link (to wherever someone points it)");
  if (!S_ISDIR(info.st_mode)) refuse(base, "is not a folder");
  if (info.st_uid != ::geteuid()) {
    refuse(base, "belongs to user " + std::to_string(info.st_uid) + ", not to you (user " +
                     std::to_string(::geteuid()) + ")");
  }
  if ((info.st_mode & 022) != 0) {
    refuse(base, "has mode " + octal_mode(info.st_mode) +
                     ", which lets others write in it (it must be 0700; chmod 700 it only if you "
                     "are sure nobody else used it)");
  }
  // Ours, and nobody else could write in it: earlier versions left the base
  // at 0755 (only the channel folders were 0700). Close it.
  if ((info.st_mode & 077) != 0 && ::chmod(base.c_str(), 0700) != 0) {
    refuse(base, "has mode " + octal_mode(info.st_mode) + " and cannot be made 0700 (" +
                     std::strerror(errno) + ")");
  }
}

bool is_member_id(const std::string& name) {
  if (name.size() != 16) return false;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void sweep_stale_members(const fs::path& base) {
  std::error_code error;
  for (fs::directory_iterator channel(base, error), end; !error && channel != end;
       channel.increment(error)) {
    std::error_code unreadable;
    if (channel->is_symlink(unreadable) || !channel->is_directory(unreadable)) continue;
    std::error_code inner;
    for (fs::directory_iterator member(channel->path(), inner);
         !inner && member != fs::directory_iterator(); member.increment(inner)) {
      std::string name = member->path().filename().string();
      std::error_code unreadable_member;
      if (is_member_id(name) && member->is_socket(unreadable_member) &&
          nobody_listens_at(member->path())) {
        std::error_code ignored;
        fs::remove(member->path(), ignored);
      }
    }
    remove_if_empty(channel->path());
  }
}

void remove_if_empty(const fs::path& folder) {
  ::rmdir(folder.c_str());  // fails, harmlessly, while anything is inside
}

}  // namespace rtcengine::detail
