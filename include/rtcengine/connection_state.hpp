// Where an engine's connection to its peer stands.
#pragma once

#include <string_view>

namespace rtcengine {

/// inactive: not started; connecting..failed mirror the peer connection;
/// closed: close() was called (here or by the peer) and the engine is done.
enum class ConnectionState { inactive, connecting, connected, disconnected, failed, closed };

/// The state's name ("connected"), for logs and messages.
[[nodiscard]] std::string_view to_string(ConnectionState state);

}  // namespace rtcengine
