// Text from the peer (file names, chat lines, reasons), made safe to print
// for a person: nothing in it can move the cursor, recolour, retitle the
// window, start a new line or reorder what follows.
#pragma once

#include <string>
#include <string_view>

namespace rtcengine::cli {

// `text` with C0 controls (newline, ESC, ...), DEL and C1 controls shown
// as \n, \t, \r, \xNN or \u0085, bidirectional overrides and isolates as
// \u202E and the like, and bytes that are not UTF-8 as \xNN. Everything
// else, other languages included, is left as it is.
std::string printable(std::string_view text);

// True when `text` is valid UTF-8 (what JSON, and so the wire, carries).
bool is_valid_utf8(std::string_view text);

}  // namespace rtcengine::cli
