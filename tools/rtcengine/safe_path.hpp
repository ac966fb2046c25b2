// File names come from the peer: never let one escape the receive folder.
#pragma once

#include <filesystem>
#include <string>

namespace rtcengine::cli {

// The path under `root` for a peer's relative name ("a/b.txt"), creating the
// folders on the way. Throws std::runtime_error for absolute names, "..",
// empty or odd components, and for folders on the way that are symlinks.
std::filesystem::path resolve_under(const std::filesystem::path& root, const std::string& name);

}  // namespace rtcengine::cli
