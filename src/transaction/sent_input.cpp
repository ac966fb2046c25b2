#include "transaction/sent_input.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <vector>

#include "util/unique_fd.hpp"

namespace rtcengine::detail {
namespace {

constexpr std::size_t kReadBlock = 1 << 20;

// Reads up to `size` bytes; 0 at the end. Throws std::runtime_error.
using ReadSome = std::function<std::size_t(char* buffer, std::size_t size)>;

struct Mismatch {
  std::string why;  // "" when the input held exactly what was announced
};

// Copies the input into the writer: never more than `size` bytes, and
// checks it ends exactly there.
Mismatch copy_exactly(Writable& writer, std::optional<std::uint64_t> size, const ReadSome& read) {
  std::vector<char> buffer(kReadBlock);
  std::uint64_t given = 0;
  while (true) {
    auto want = size ? std::min<std::uint64_t>(buffer.size(), *size - given) : buffer.size();
    if (want == 0) break;
    auto got = read(buffer.data(), static_cast<std::size_t>(want));
    if (got == 0) {
      if (!size) return {};
      return {"it ended after " + std::to_string(given) + " of the " + std::to_string(*size) +
              " bytes announced"};
    }
    writer.write(buffer.data(), got);
    given += got;
  }
  char probe;
  if (read(&probe, 1) != 0) {
    return {"it holds more than the " + std::to_string(*size) + " bytes announced"};
  }
  return {};
}

// Name of the input for the peer: the metadata's name, not a local path.
std::string name_for_peer(const Writable& writer, const std::string& fallback) {
  const auto& metadata = writer.metadata();
  if (metadata.is_object() && metadata.contains("name") && metadata["name"].is_string()) {
    return "\"" + metadata["name"].get<std::string>() + "\"";
  }
  return fallback;
}

[[noreturn]] void stop_and_throw(Writable& writer, const std::string& for_peer,
                                 const std::string& here) {
  writer.stop(for_peer);
  throw TransferStoppedError(here);
}

bool same_shape(const struct stat& before, const struct stat& after) {
  return before.st_size == after.st_size && before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
         before.st_mtim.tv_nsec == after.st_mtim.tv_nsec;
}

std::string size_change(const struct stat& before, const struct stat& after) {
  if (before.st_size == after.st_size) return "modified";
  return "size " + std::to_string(before.st_size) + ", then " + std::to_string(after.st_size) +
         " bytes";
}

}  // namespace

std::optional<std::uint64_t> announced_size(const Json& metadata) {
  if (!metadata.is_object() || !metadata.contains("size")) return std::nullopt;
  const auto& size = metadata["size"];
  if (size.is_number_unsigned()) return size.get<std::uint64_t>();
  if (size.is_number_integer() && size.get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(size.get<std::int64_t>());
  }
  return std::nullopt;
}

void send_stream_exactly(Writable& writer, std::istream& in) {
  auto mismatch = copy_exactly(writer, announced_size(writer.metadata()),
                               [&](char* buffer, std::size_t size) -> std::size_t {
                                 in.read(buffer, static_cast<std::streamsize>(size));
                                 if (in.bad()) {
                                   stop_and_throw(writer, "the sender could not read its input",
                                                  "reading the input failed");
                                 }
                                 return static_cast<std::size_t>(in.gcount());
                               });
  if (!mismatch.why.empty()) {
    stop_and_throw(writer, "the sender's input did not match its size: " + mismatch.why,
                   "the input does not match the size in the metadata: " + mismatch.why);
  }
  writer.end();
}

void send_file_unchanged(Writable& writer, const std::filesystem::path& path) {
  auto here = "\"" + path.string() + "\"";
  auto there = name_for_peer(writer, "the file");
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat before {};
  if (!fd || ::fstat(fd.get(), &before) != 0) {
    auto error = std::string(std::strerror(errno));
    stop_and_throw(writer, "the sender cannot read " + there + ": " + error,
                   "cannot open " + here + " for reading: " + error);
  }
  auto changed = [&](const std::string& why) {
    stop_and_throw(writer, there + " changed while being sent (" + why + ")",
                   here + " changed while being sent (" + why +
                       "); send it again once it is complete");
  };
  auto size = announced_size(writer.metadata());
  bool regular = S_ISREG(before.st_mode);
  if (regular && size && static_cast<std::uint64_t>(before.st_size) != *size) {
    changed("it has " + std::to_string(before.st_size) + " bytes, " + std::to_string(*size) +
            " were announced");
  }
  auto mismatch = copy_exactly(writer, size, [&](char* buffer, std::size_t want) -> std::size_t {
    auto got = ::read(fd.get(), buffer, want);
    while (got < 0 && errno == EINTR) got = ::read(fd.get(), buffer, want);
    if (got >= 0) return static_cast<std::size_t>(got);
    auto error = std::string(std::strerror(errno));
    stop_and_throw(writer, "the sender could not read " + there + ": " + error,
                   "cannot read " + here + ": " + error);
  });
  if (!mismatch.why.empty()) changed(mismatch.why);
  struct stat after {};
  // Read from the same descriptor: a file replaced meanwhile was still sent
  // whole, as it was; one written in place shows a new size or time.
  if (regular && (::fstat(fd.get(), &after) != 0 || !same_shape(before, after))) {
    changed(size_change(before, after));
  }
  writer.end();
}

}  // namespace rtcengine::detail
