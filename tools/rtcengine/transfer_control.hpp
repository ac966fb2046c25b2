// The send/receive conversation beside the transactions, on the negotiated
// socket "rtcengine-files": the sender's manifest (the files still to come),
// and a note when either side is interrupted.
#pragma once

namespace rtcengine::cli {

inline constexpr const char* kControlLabel = "rtcengine-files";
inline constexpr const char* kManifestEvent = "manifest";        // {"files":[{"name","size"}]}
inline constexpr const char* kInterruptedEvent = "interrupted";  // payload: who and why

}  // namespace rtcengine::cli
