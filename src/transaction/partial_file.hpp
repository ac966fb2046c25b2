// A received file while it arrives: written under a hidden `.part` name next
// to its final name, with a small sidecar naming the transfer so a later
// transfer of the same content resumes from it. Only a verified file is
// moved to the final name, so a half-received or corrupt file never sits
// there.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "transaction/sha256.hpp"

namespace rtcengine::detail {

class PartialFile {
 public:
  // Opens (or resumes) the part file for `final_path`. `transfer_id` empty
  // means the transfer cannot be resumed. Throws TransferError when the final
  // file exists and `overwrite` is off, or the part file cannot be opened.
  PartialFile(std::filesystem::path final_path, const std::string& transfer_id,
              std::optional<std::uint64_t> size, bool overwrite);
  ~PartialFile();
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  // Bytes already there from an earlier attempt (hashed into `hasher`).
  std::uint64_t resume_offset() const { return resume_offset_; }
  Sha256& hasher() { return hasher_; }

  // Throws TransferError (disk full, I/O error).
  void append(const std::uint8_t* data, std::size_t size);
  // Flushes to disk and moves to the final name.
  void commit();
  // Closes, keeping the part file for a resume.
  void keep();
  // Closes and removes the part file.
  void discard();

  static std::filesystem::path part_path_for(const std::filesystem::path& final_path);

 private:
  void close_file();

  std::filesystem::path final_path_;
  std::filesystem::path part_path_;
  std::filesystem::path sidecar_path_;
  bool overwrite_ = false;
  int fd_ = -1;
  std::uint64_t resume_offset_ = 0;
  Sha256 hasher_;
};

}  // namespace rtcengine::detail
