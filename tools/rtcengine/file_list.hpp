// The files a `send` will offer: plain files as given, folders walked, each
// with the relative name the receiver will use ("folder/sub/file").
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rtcengine::cli {

struct FileToSend {
  std::filesystem::path path;
  std::string name;  // relative, '/'-separated
  std::uint64_t size = 0;
  std::int64_t modified = 0;  // seconds; part of the transfer's identity
};

// Throws std::runtime_error naming a missing or unreadable argument.
std::vector<FileToSend> list_files(const std::vector<std::string>& arguments);

}  // namespace rtcengine::cli
