// The files a `send` will offer: plain files as given, folders walked, each
// with the relative name the receiver will use ("folder/sub/file"). Every
// file is checked before the peer connects: one that cannot be read, a
// folder that cannot be listed, or a name that cannot cross the wire (not
// UTF-8, control characters, backslashes) is a problem named with its path.
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

struct FileList {
  std::vector<FileToSend> files;
  std::vector<std::string> problems;  // "cannot read \"PATH\": Permission denied"
};

// Throws std::runtime_error (a usage error) for an argument that does not
// exist or is neither a file nor a folder, or when there is nothing to send.
FileList list_files(const std::vector<std::string>& arguments);

}  // namespace rtcengine::cli
