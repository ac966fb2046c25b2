// What Writable::send_stream and send_file copy: an input that must hold
// exactly the size the metadata announced, and a file that must not change
// while it is sent. A mismatch stops the transfer (the reader learns why)
// and throws TransferStoppedError; it never becomes a retry loop or a
// write() past the announced size.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <string>

#include "rtcengine/writable.hpp"

namespace rtcengine::detail {

// The metadata's `size`, when it is a non-negative integer.
std::optional<std::uint64_t> announced_size(const Json& metadata);

void send_stream_exactly(Writable& writer, std::istream& in);
void send_file_unchanged(Writable& writer, const std::filesystem::path& path);

}  // namespace rtcengine::detail
