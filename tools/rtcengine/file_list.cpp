#include "file_list.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "terminal_text.hpp"

namespace rtcengine::cli {
namespace {

namespace fs = std::filesystem;

std::string quoted(const fs::path& path) { return "\"" + printable(path.string()) + "\""; }

// Why the receiver could not take this name, or "".
std::string name_problem(const std::string& name) {
  if (!is_valid_utf8(name)) return "its name is not UTF-8, which names on the wire must be";
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return "its name holds control characters, which receivers refuse";
  }
  if (name.find('\\') != std::string::npos)
    return "its name holds a backslash, which receivers refuse";
  return {};
}

// Adds `path` as `name`, or the reason it cannot be sent.
void add_file(const fs::path& path, const std::string& name, FileList& list) {
  if (auto problem = name_problem(name); !problem.empty()) {
    list.problems.push_back(quoted(path) + ": " + problem);
    return;
  }
  // Opened now, so an unreadable file is known before the peer connects.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat status {};
  if (fd < 0 || ::fstat(fd, &status) != 0) {
    list.problems.push_back("cannot read " + quoted(path) + ": " + std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return;
  }
  ::close(fd);
  FileToSend file;
  file.path = path;
  file.name = name;
  file.size = static_cast<std::uint64_t>(status.st_size);
  file.modified = status.st_mtim.tv_sec;
  list.files.push_back(std::move(file));
}

// Walks `folder` in name order; symlinks to folders are not followed.
void add_folder(const fs::path& folder, const std::string& name, FileList& list) {
  std::error_code error;
  fs::directory_iterator entries(folder, error);
  if (error) {
    list.problems.push_back("cannot read the folder " + quoted(folder) + ": " + error.message());
    return;
  }
  std::vector<fs::directory_entry> sorted;
  for (; entries != fs::directory_iterator(); entries.increment(error)) {
    if (error) break;
    sorted.push_back(*entries);
  }
  if (error) {
    list.problems.push_back("cannot read the folder " + quoted(folder) + ": " + error.message());
  }
  std::sort(sorted.begin(), sorted.end());
  for (const auto& entry : sorted) {
    auto child = name + "/" + entry.path().filename().string();
    if (entry.is_directory(error) && !entry.is_symlink(error)) {
      add_folder(entry.path(), child, list);
    } else if (entry.is_regular_file(error)) {
      add_file(entry.path(), child, list);
    }
  }
}

}  // namespace

FileList list_files(const std::vector<std::string>& arguments) {
  FileList list;
  for (const auto& argument : arguments) {
    fs::path path(argument);
    std::error_code error;
    auto status = fs::status(path, error);
    if (status.type() == fs::file_type::not_found) {
      throw std::runtime_error(quoted(path) + " does not exist");
    }
    if (error) {
      list.problems.push_back("cannot read " + quoted(path) + ": " + error.message());
    } else if (fs::is_regular_file(status)) {
      add_file(path, path.filename().string(), list);
    } else if (fs::is_directory(status)) {
      auto base = path.lexically_normal().filename().string();
      if (base.empty()) base = path.lexically_normal().parent_path().filename().string();
      add_folder(path, base, list);
    } else {
      throw std::runtime_error(quoted(path) + " is neither a file nor a folder");
    }
  }
  if (list.files.empty() && list.problems.empty()) throw std::runtime_error("nothing to send");
  return list;
}

}  // namespace rtcengine::cli
