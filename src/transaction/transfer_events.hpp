// The events of a transaction on its socket, and how a core sends one. The
// first group is rtc-engine's protocol; the `__` group are RTCEngine's
// extensions, which an rtc-engine peer ignores (and which are never
// required from it).
#pragma once

#include <cstddef>
#include <string>

#include "rtcengine/message.hpp"
#include "rtcengine/socket.hpp"

namespace rtcengine::detail {

inline constexpr const char* kMetadataEvent = "metadata";
inline constexpr const char* kTransactionReadyEvent = "__transaction-ready";
inline constexpr const char* kPauseEvent = "pause";
inline constexpr const char* kResumeEvent = "resume";
inline constexpr const char* kBufferFullEvent = "buffer-full";
inline constexpr const char* kPullEvent = "pull";
inline constexpr const char* kAbortEvent = "abort";    // writer stops; payload: reason
inline constexpr const char* kCancelEvent = "cancel";  // reader stops; payload: reason

// Extensions, used only with a peer that announced "transfer" in its role
// message (negotiation/peer_extensions.hpp). The writer sends `__transfer`
// ({"digest": "sha256", "resume": true, "id": "..."}) just before
// `metadata`, which stays exactly as the user wrote it; the reader answers
// in the ready payload ({"offset": n, "ack": true}).
inline constexpr const char* kTransferEvent = "__transfer";
inline constexpr const char* kDigestEvent = "__digest";      // {"sha256": hex}
inline constexpr const char* kAckEvent = "__ack";            // {"bytes": n} safely written
inline constexpr const char* kVerifiedEvent = "__verified";  // all arrived, digest matched
inline constexpr const char* kIntegrityFailedEvent = "__integrity-failed";  // payload: reason

// rtc-engine's reader queue; past it the reader asks the writer to wait.
inline constexpr std::size_t kReaderQueueLimit = 10 * 1024 * 1024;
// What a writer may still have in flight when it hears buffer-full; past
// this it ignores the signal, and the transfer fails instead of growing the
// queue without end.
inline constexpr std::size_t kReaderQueueHardLimit = 4 * kReaderQueueLimit;
// The reader confirms progress at least this often (bytes).
inline constexpr std::size_t kAckEvery = 1024 * 1024;

// Sends a control event; false when the socket could not take it (closed or
// full: the peer learns the outcome from the socket).
bool tell(Socket& socket, const char* event, const Json& payload = nullptr);

// The reason an `abort` or `cancel` carries, as text; `fallback` for none.
std::string reason_of(const Json& payload, const char* fallback);

}  // namespace rtcengine::detail
