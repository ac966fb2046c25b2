// Checks for TransferOptions; every error names the field and its value.
#include "rtcengine/transfer_options.hpp"

#include <string>

#include "rtcengine/errors.hpp"
#include "rtcengine/socket.hpp"

namespace rtcengine {

void TransferOptions::validate() const {
  // 0 would make write() loop forever without sending; more than a message
  // holds would fail every write() with MessageTooLargeError.
  if (chunk_size == 0 || chunk_size > Socket::kMaxMessageSize) {
    throw InvalidOptionError("chunk_size: " + std::to_string(chunk_size) + " bytes is outside 1.." +
                             std::to_string(Socket::kMaxMessageSize) + " bytes");
  }
  // 0 or less would re-arm the progress timer without pause on the engine's thread.
  if (progress_interval.count() <= 0) {
    throw InvalidOptionError("progress_interval: " + std::to_string(progress_interval.count()) +
                             " ms is not positive");
  }
}

}  // namespace rtcengine
