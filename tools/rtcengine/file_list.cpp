#include "file_list.hpp"

#include <chrono>
#include <stdexcept>

namespace rtcengine::cli {
namespace {

FileToSend describe(const std::filesystem::path& path, std::string name) {
  FileToSend file;
  file.path = path;
  file.name = std::move(name);
  file.size = std::filesystem::file_size(path);
  auto modified = std::filesystem::last_write_time(path);
  file.modified = std::chrono::duration_cast<std::chrono::seconds>(modified.time_since_epoch()).count();
  return file;
}

}  // namespace

std::vector<FileToSend> list_files(const std::vector<std::string>& arguments) {
  std::vector<FileToSend> files;
  for (const auto& argument : arguments) {
    std::filesystem::path path(argument);
    std::error_code error;
    auto status = std::filesystem::status(path, error);
    if (error || status.type() == std::filesystem::file_type::not_found) {
      throw std::runtime_error("\"" + argument + "\" does not exist");
    }
    if (std::filesystem::is_regular_file(status)) {
      files.push_back(describe(path, path.filename().string()));
    } else if (std::filesystem::is_directory(status)) {
      auto base = path.lexically_normal().filename().string();
      if (base.empty()) base = path.lexically_normal().parent_path().filename().string();
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
        if (!entry.is_regular_file()) continue;
        auto relative = std::filesystem::relative(entry.path(), path).generic_string();
        files.push_back(describe(entry.path(), base + "/" + relative));
      }
    } else {
      throw std::runtime_error("\"" + argument + "\" is neither a file nor a folder");
    }
  }
  if (files.empty()) throw std::runtime_error("nothing to send");
  return files;
}

}  // namespace rtcengine::cli
