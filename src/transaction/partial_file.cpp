#include "transaction/partial_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdio.h>  // renameat2

#include <cerrno>
#include <cstring>
#include <vector>

#include <nlohmann/json.hpp>

#include "rtcengine/errors.hpp"

namespace rtcengine::detail {
namespace {

constexpr std::size_t kMaxLeafBytes = 255;
constexpr const char* kPartSuffix = ".rtcengine-part";
constexpr const char* kSidecarSuffix = ".json";
constexpr std::size_t kMaxSidecarBytes = 4096;
constexpr int kNewFileFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;

std::string describe_errno(int error) {
  if (error == ENOSPC) return "the disk is full";
  if (error == EDQUOT) return "the disk quota is exhausted";
  if (error == ENAMETOOLONG) return "the name is too long for this file system";
  return std::strerror(error);
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

// Reads a small regular file in `folder` without following a link and
// without blocking on a planted FIFO; nullopt when it is not one.
std::optional<std::string> read_small_file(int folder, const std::string& leaf) {
  UniqueFd fd(::openat(folder, leaf.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  struct stat status {};
  if (!fd || ::fstat(fd.get(), &status) != 0 || !S_ISREG(status.st_mode) ||
      status.st_size > static_cast<off_t>(kMaxSidecarBytes)) {
    return std::nullopt;
  }
  std::string text(static_cast<std::size_t>(status.st_size), '\0');
  auto got = ::read(fd.get(), text.data(), text.size());
  if (got < 0) return std::nullopt;
  text.resize(static_cast<std::size_t>(got));
  return text;
}

// The sidecar's transfer id, or empty when missing or unreadable.
std::string read_sidecar(int folder, const std::string& leaf) {
  auto text = read_small_file(folder, leaf);
  if (!text) return {};
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (!json.is_object() || !json.contains("id") || !json["id"].is_string()) return {};
  return json["id"].get<std::string>();
}

bool write_all(int fd, const std::uint8_t* data, std::size_t size, int& error) {
  while (size > 0) {
    auto written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      error = errno;
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

}  // namespace

std::string PartialFile::part_name_for(const std::string& leaf) {
  auto plain = "." + leaf + kPartSuffix;
  if (plain.size() + std::strlen(kSidecarSuffix) <= kMaxLeafBytes) return plain;
  Sha256 hasher;
  hasher.update(reinterpret_cast<const std::uint8_t*>(leaf.data()), leaf.size());
  return std::string(kPartSuffix) + "-" + hasher.finish_hex().substr(0, 32);
}

PartialFile::PartialFile(SaveTarget target, const std::string& transfer_id,
                         std::optional<std::uint64_t> size, bool overwrite)
    : target_(std::move(target)),
      part_leaf_(part_name_for(target_.leaf())),
      sidecar_leaf_(part_leaf_ + kSidecarSuffix),
      overwrite_(overwrite),
      resumable_(!transfer_id.empty()) {
  struct stat status {};
  if (::fstatat(target_.folder(), target_.leaf().c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0) {
    if (!overwrite_) {
      throw TransferError(quoted(target_.shown()) + " already exists; refusing to overwrite it");
    }
    if (S_ISDIR(status.st_mode)) {
      throw TransferError(quoted(target_.shown()) + " is a folder; a file cannot replace it");
    }
  } else if (errno != ENOENT) {
    throw TransferError("cannot use the name " + quoted(target_.shown()) + ": " +
                        describe_errno(errno));
  }
  if (resumable_ && read_sidecar(target_.folder(), sidecar_leaf_) == transfer_id &&
      try_resume(size)) {
    return;
  }
  create_fresh();
  if (resumable_) write_sidecar(transfer_id);
}

bool PartialFile::try_resume(std::optional<std::uint64_t> size) {
  UniqueFd fd(
      ::openat(target_.folder(), part_leaf_.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  struct stat status {};
  // Only a plain file of ours: not a FIFO, not a hard link to another file.
  if (!fd || ::fstat(fd.get(), &status) != 0 || !S_ISREG(status.st_mode) || status.st_nlink != 1) {
    return false;
  }
  auto existing = static_cast<std::uint64_t>(status.st_size);
  if (size && existing > *size) return false;
  // The digest covers the whole file, so hash what is already there.
  std::vector<std::uint8_t> buffer(1 << 20);
  std::uint64_t left = existing;
  while (left > 0) {
    auto got = ::read(fd.get(), buffer.data(), std::min<std::uint64_t>(left, buffer.size()));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      hasher_ = Sha256();  // unreadable leftovers: start over rather than trust them
      return false;
    }
    hasher_.update(buffer.data(), static_cast<std::size_t>(got));
    left -= static_cast<std::uint64_t>(got);
  }
  file_ = std::move(fd);
  resume_offset_ = length_ = existing;
  return true;
}

void PartialFile::create_fresh() {
  // Whatever sits at our names (a stale part, a planted link) is replaced:
  // unlinking a link never touches what it points to.
  ::unlinkat(target_.folder(), part_leaf_.c_str(), 0);
  file_ = UniqueFd(::openat(target_.folder(), part_leaf_.c_str(), kNewFileFlags, 0644));
  if (!file_) {
    throw TransferError("cannot write " + quoted(target_.shown_sibling(part_leaf_)) + ": " +
                        describe_errno(errno));
  }
}

void PartialFile::write_sidecar(const std::string& transfer_id) {
  ::unlinkat(target_.folder(), sidecar_leaf_.c_str(), 0);
  UniqueFd sidecar(::openat(target_.folder(), sidecar_leaf_.c_str(), kNewFileFlags, 0644));
  auto text = nlohmann::json{{"id", transfer_id}, {"final", target_.leaf()}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  int error = errno;
  if (!sidecar || !write_all(sidecar.get(), reinterpret_cast<const std::uint8_t*>(text.data()),
                             text.size(), error)) {
    discard();  // without its sidecar, the part file could never be resumed
    throw TransferError("cannot write " + quoted(target_.shown_sibling(sidecar_leaf_)) + ": " +
                        describe_errno(error));
  }
}

std::string PartialFile::leftover_note() {
  if (!resumable_) {
    discard();
    return "; the partial file was removed";
  }
  return "; the " + std::to_string(length_) + " bytes received are kept in " +
         quoted(target_.shown_sibling(part_leaf_)) +
         ", and the same transfer run again resumes from them";
}

void PartialFile::fail(const std::string& what, int error) {
  throw TransferError(what + ": " + describe_errno(error) + leftover_note());
}

void PartialFile::append(const std::uint8_t* data, std::size_t size) {
  int error = 0;
  auto before = length_;
  if (!write_all(file_.get(), data, size, error)) {
    struct stat status {};
    length_ =
        ::fstat(file_.get(), &status) == 0 ? static_cast<std::uint64_t>(status.st_size) : before;
    fail("cannot write " + quoted(target_.shown()), error);
  }
  length_ += size;
}

void PartialFile::commit() {
  if (::fsync(file_.get()) != 0) fail("cannot flush " + quoted(target_.shown()), errno);
  file_.reset();
  int folder = target_.folder();
  const char* part = part_leaf_.c_str();
  const char* final_name = target_.leaf().c_str();
  if (overwrite_) {
    if (::renameat(folder, part, folder, final_name) != 0) {
      fail("cannot give " + quoted(target_.shown()) + " its final name", errno);
    }
  } else if (::renameat2(folder, part, folder, final_name, RENAME_NOREPLACE) != 0) {
    // Some file systems lack RENAME_NOREPLACE; linkat() refuses an existing
    // name atomically too.
    if (errno != EINVAL || ::linkat(folder, part, folder, final_name, 0) != 0) {
      fail("cannot give " + quoted(target_.shown()) + " its final name", errno);
    }
    ::unlinkat(folder, part, 0);
  }
  ::unlinkat(folder, sidecar_leaf_.c_str(), 0);
}

void PartialFile::keep() {
  if (file_) ::fsync(file_.get());
  file_.reset();
}

void PartialFile::discard() {
  file_.reset();
  ::unlinkat(target_.folder(), part_leaf_.c_str(), 0);
  ::unlinkat(target_.folder(), sidecar_leaf_.c_str(), 0);
}

}  // namespace rtcengine::detail
