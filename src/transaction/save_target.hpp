// Where a received file goes: an open folder and the file's name in it.
// Everything the receiver then creates or opens there (part file, sidecar,
// final name) is opened relative to that folder and never through a
// symlink, so nobody can redirect it by planting links in the folder.
#pragma once

#include <filesystem>
#include <string>

#include "util/unique_fd.hpp"

namespace rtcengine::detail {

class SaveTarget {
 public:
  // `path`'s folder, opened as given (it is the caller's own path), and its
  // last component. Throws TransferError.
  static SaveTarget at(const std::filesystem::path& path);
  // `name`, a relative '/'-separated name such as a peer sends, under
  // `root`: the name is checked (no absolute names, "..", empty or "."
  // components, backslashes, control characters, components over 255
  // bytes), missing subfolders are created, and each step is opened from
  // the one before without following a symlink. Throws TransferError.
  static SaveTarget under(const std::filesystem::path& root, const std::string& name);

  int folder() const { return folder_.get(); }
  const std::string& leaf() const { return leaf_; }
  // The file as messages name it: `path`, or the peer's relative name.
  const std::string& shown() const { return shown_; }
  // `leaf` in the same folder, as messages name it.
  std::string shown_sibling(const std::string& leaf) const;

 private:
  SaveTarget(UniqueFd folder, std::string leaf, std::string shown)
      : folder_(std::move(folder)), leaf_(std::move(leaf)), shown_(std::move(shown)) {}

  UniqueFd folder_;
  std::string leaf_;
  std::string shown_;
};

}  // namespace rtcengine::detail
