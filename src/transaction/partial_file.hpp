// A received file while it arrives: written under a hidden part name next
// to its final name, with a small sidecar naming the transfer so a later
// transfer of the same content resumes from it. Only a verified file gets
// the final name, so a half-received or corrupt file never sits there.
//
// Every name is opened relative to the target's folder with O_NOFOLLOW; a
// link or another file planted at the part or sidecar name is replaced,
// never written through.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "transaction/save_target.hpp"
#include "transaction/sha256.hpp"
#include "util/unique_fd.hpp"

namespace rtcengine::detail {

class PartialFile {
 public:
  // Opens (or resumes) the part file for `target`. `transfer_id` empty
  // means the transfer cannot be resumed (the part file is then removed on
  // failure). Throws TransferError when the final name exists and
  // `overwrite` is off, names a folder, or the part file cannot be made.
  PartialFile(SaveTarget target, const std::string& transfer_id, std::optional<std::uint64_t> size,
              bool overwrite);
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  // Bytes already there from an earlier attempt (hashed into `hasher`).
  std::uint64_t resume_offset() const { return resume_offset_; }
  Sha256& hasher() { return hasher_; }

  // Throws TransferError (disk full, I/O error) saying what is left behind.
  void append(const std::uint8_t* data, std::size_t size);
  // Flushes to disk and gives the file its final name; throws TransferError
  // saying what is left behind.
  void commit();
  // Closes, keeping the part file for a resume.
  void keep();
  // Closes and removes the part file.
  void discard();

  // ".NAME.rtcengine-part", or ".rtcengine-part-HASH" when that name and
  // its sidecar's would pass the 255-byte limit of a file name.
  static std::string part_name_for(const std::string& leaf);

 private:
  bool try_resume(std::optional<std::uint64_t> size);
  void create_fresh();
  void write_sidecar(const std::string& transfer_id);
  // "; the N bytes received are kept in ..." or "; nothing was kept".
  std::string leftover_note();
  [[noreturn]] void fail(const std::string& what, int error);

  SaveTarget target_;
  std::string part_leaf_;
  std::string sidecar_leaf_;
  bool overwrite_ = false;
  bool resumable_ = false;
  UniqueFd file_;
  std::uint64_t resume_offset_ = 0;
  std::uint64_t length_ = 0;  // bytes in the part file
  Sha256 hasher_;
};

}  // namespace rtcengine::detail
