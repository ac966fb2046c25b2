// File names the CLI receives from the peer. Rules: an accepted name maps
// to a path inside the receive folder (every component a real name, no
// "..", no symlink on the way), and a refusal is an exception the CLI
// catches per file, never a crash.
//
// Input: the name, as the peer sent it. The receive folder holds a symlink
// "link" (to the folder's parent) and a file "file" that names may try to use.
#include <fstream>
#include <stdexcept>

#include "support/check.hpp"
#include "support/temp_folder.hpp"
#include "tools/rtcengine/safe_path.hpp"

namespace rtcengine::fuzz {

void safe_path(Input input) {
  static TempFolder folder("safe-path");
  folder.empty();
  auto root = folder.path() / "root";
  std::filesystem::create_directory(root);
  std::filesystem::create_directory_symlink(folder.path(), root / "link");
  std::ofstream(root / "file") << "x";

  std::string name(as_text(input));
  std::filesystem::path path;
  try {
    path = cli::resolve_under(root, name);
  } catch (const std::exception&) {
    return;
  }
  auto relative = path.lexically_relative(root);
  require(!relative.empty() && *relative.begin() != ".." && path.lexically_normal() == path,
          "an accepted name leaves the receive folder");
  auto parent = std::filesystem::canonical(path.parent_path());
  auto canonical_root = std::filesystem::canonical(root);
  auto inside = parent.lexically_relative(canonical_root);
  require(parent == canonical_root || (!inside.empty() && *inside.begin() != ".."),
          "an accepted name's folder resolves outside the receive folder");
}

}  // namespace rtcengine::fuzz
