// What a client may relay: a JSON object with a string "type" other than
// "room" (which is reserved for the server's own messages).
#pragma once

#include <string_view>

namespace rtcengine::signal_server {

// True when `text` may be relayed. Parses without building a document, so a
// deeply nested message costs no memory or stack beyond the parser's own.
bool is_relayable_message(std::string_view text);

}  // namespace rtcengine::signal_server
