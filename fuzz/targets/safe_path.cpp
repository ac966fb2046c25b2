// File names a receiver gets from the peer (Readable::save_under, which the
// CLI uses). Rules: an accepted name maps to a file inside the receive
// folder (every component a real name, no "..", no symlink on the way, its
// folder opened from the root step by step), and a refusal is a
// TransferError the CLI reports per file, never a crash.
//
// Input: the name, as the peer sent it. The receive folder holds a symlink
// "link" (to the folder's parent) and a file "file" that names may try to use.
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "rtcengine/errors.hpp"
#include "support/check.hpp"
#include "support/temp_folder.hpp"
#include "transaction/save_target.hpp"

namespace rtcengine::fuzz {

void safe_path(Input input) {
  static TempFolder folder("safe-path");
  folder.empty();
  auto root = folder.path() / "root";
  std::filesystem::create_directory(root);
  std::filesystem::create_directory_symlink(folder.path(), root / "link");
  std::ofstream(root / "file") << "x";

  std::string name(as_text(input));
  std::optional<detail::SaveTarget> target;
  try {
    target = detail::SaveTarget::under(root, name);
  } catch (const TransferError&) {
    return;
  }
  const auto& leaf = target->leaf();
  require(!leaf.empty() && leaf != "." && leaf != ".." && leaf.find('/') == std::string::npos,
          "an accepted name's last component is not a plain name");
  // Where the opened folder really is, whatever the name said.
  auto opened = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(target->folder()));
  auto canonical_root = std::filesystem::canonical(root);
  auto inside = opened.lexically_relative(canonical_root);
  require(opened == canonical_root || (!inside.empty() && *inside.begin() != ".."),
          "an accepted name's folder resolves outside the receive folder");
  // And it is the very place the name says: its folders, then its last part.
  std::filesystem::path named(name);
  auto named_folder =
      named.has_parent_path() ? canonical_root / named.parent_path() : canonical_root;
  require(opened == named_folder && leaf == named.filename().string() && target->shown() == name,
          "an accepted name's file is not where the name puts it");
}

}  // namespace rtcengine::fuzz
