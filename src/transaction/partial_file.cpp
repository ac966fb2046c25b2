#include "transaction/partial_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "rtcengine/errors.hpp"

namespace rtcengine::detail {
namespace {

std::string describe_errno(int error) {
  if (error == ENOSPC) return "the disk is full";
  if (error == EDQUOT) return "the disk quota is exhausted";
  return std::strerror(error);
}

// The sidecar's transfer id, or empty when missing or unreadable.
std::string read_sidecar(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return {};
  auto json = nlohmann::json::parse(in, nullptr, false);
  if (!json.is_object() || !json.contains("id") || !json["id"].is_string()) return {};
  return json["id"].get<std::string>();
}

}  // namespace

std::filesystem::path PartialFile::part_path_for(const std::filesystem::path& final_path) {
  return final_path.parent_path() / ("." + final_path.filename().string() + ".rtcengine-part");
}

PartialFile::PartialFile(std::filesystem::path final_path, const std::string& transfer_id,
                         std::optional<std::uint64_t> size, bool overwrite)
    : final_path_(std::move(final_path)),
      part_path_(part_path_for(final_path_)),
      sidecar_path_(part_path_.string() + ".json"),
      overwrite_(overwrite) {
  std::error_code error;
  if (!overwrite_ && std::filesystem::symlink_status(final_path_, error).type() !=
                         std::filesystem::file_type::not_found) {
    throw TransferError("\"" + final_path_.string() +
                        "\" already exists; refusing to overwrite it");
  }
  bool resume = false;
  if (!transfer_id.empty() && read_sidecar(sidecar_path_) == transfer_id) {
    auto existing = std::filesystem::file_size(part_path_, error);
    resume = !error && (!size || existing <= *size);
    if (resume) resume_offset_ = existing;
  }
  fd_ = ::open(part_path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (resume ? 0 : O_TRUNC),
               0644);
  if (fd_ < 0) {
    throw TransferError("cannot write \"" + part_path_.string() + "\": " + describe_errno(errno));
  }
  if (resume && resume_offset_ > 0) {
    // The digest covers the whole file, so hash what is already there.
    std::ifstream in(part_path_, std::ios::binary);
    std::vector<char> buffer(1 << 20);
    std::uint64_t left = resume_offset_;
    while (left > 0 && in) {
      in.read(buffer.data(), static_cast<std::streamsize>(std::min<std::uint64_t>(left, buffer.size())));
      auto got = static_cast<std::size_t>(in.gcount());
      if (got == 0) break;
      hasher_.update(reinterpret_cast<const std::uint8_t*>(buffer.data()), got);
      left -= got;
    }
    if (left != 0 || ::lseek(fd_, static_cast<off_t>(resume_offset_), SEEK_SET) < 0) {
      // Unreadable leftovers: start over rather than trust them.
      resume_offset_ = 0;
      hasher_ = Sha256();
      if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) < 0) {
        throw TransferError("cannot reset \"" + part_path_.string() + "\": " +
                            describe_errno(errno));
      }
    }
  }
  if (!transfer_id.empty()) {
    std::ofstream sidecar(sidecar_path_, std::ios::trunc);
    sidecar << nlohmann::json{{"id", transfer_id}, {"final", final_path_.filename().string()}}.dump();
  }
}

PartialFile::~PartialFile() { close_file(); }

void PartialFile::close_file() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void PartialFile::append(const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    auto written = ::write(fd_, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw TransferError("cannot write \"" + part_path_.string() + "\": " + describe_errno(errno));
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
}

void PartialFile::commit() {
  if (::fsync(fd_) != 0) {
    throw TransferError("cannot flush \"" + part_path_.string() + "\": " + describe_errno(errno));
  }
  close_file();
  if (overwrite_) {
    if (::rename(part_path_.c_str(), final_path_.c_str()) != 0) {
      throw TransferError("cannot rename to \"" + final_path_.string() + "\": " +
                          describe_errno(errno));
    }
  } else {
    // link() refuses an existing name atomically, unlike rename().
    if (::link(part_path_.c_str(), final_path_.c_str()) != 0) {
      throw TransferError("cannot create \"" + final_path_.string() + "\": " +
                          describe_errno(errno));
    }
    ::unlink(part_path_.c_str());
  }
  std::error_code ignored;
  std::filesystem::remove(sidecar_path_, ignored);
}

void PartialFile::keep() {
  if (fd_ >= 0) ::fsync(fd_);
  close_file();
}

void PartialFile::discard() {
  close_file();
  std::error_code ignored;
  std::filesystem::remove(part_path_, ignored);
  std::filesystem::remove(sidecar_path_, ignored);
}

}  // namespace rtcengine::detail
