// What one connection's SCTP socket still holds to send, per stream.
// libwebrtc's DataChannel::buffered_amount() counts only what the channel
// has not yet handed to SCTP; dcsctp's own send queue (megabytes on a fast
// writer) is invisible there, and resetting a stream (closing the channel)
// drops it. A channel that must not lose data closes only once both are
// empty; this is how it learns the second.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include <net/dcsctp/public/dcsctp_socket.h>
#include <rtc_base/thread.h>

namespace rtcengine::detail {

class SctpSendQueue : public std::enable_shared_from_this<SctpSendQueue> {
 public:
  explicit SctpSendQueue(rtc::Thread& network_thread) : network_thread_(network_thread) {}

  // Reads the bytes queued in SCTP for `stream_id` and not yet sent on the
  // network thread, and calls `done` with them on the calling libwebrtc
  // thread. Never blocks: a blocking hop from the signaling thread let
  // libwebrtc deliver other work inside it, and messages went missing.
  void read_queued_bytes(int stream_id, std::function<void(std::size_t)> done);

 private:
  friend class ObservedSctpSocket;
  rtc::Thread& network_thread_;
  // Network thread only.
  const dcsctp::DcSctpSocketInterface* socket_ = nullptr;
};

// Wraps the connection's dcsctp socket so that `queue` can read it; the
// wrapper forgets itself there when libwebrtc destroys it.
std::unique_ptr<dcsctp::DcSctpSocketInterface> observe_send_queue(
    std::unique_ptr<dcsctp::DcSctpSocketInterface> socket, std::shared_ptr<SctpSendQueue> queue);

}  // namespace rtcengine::detail
