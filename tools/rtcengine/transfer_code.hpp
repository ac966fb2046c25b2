// Codes that `send` prints and `receive --code` takes: each is the shared
// secret of both engines (a PAKE: guessing it takes an online try against
// the sender, and each try is spent, see docs/protocol.md) and names the
// room they meet in.
//   --code   "k7qf-m2xa-9drc-u4pe": 80 random bits; the room is a hash of it.
//   --words  "7-apple-river": a room number (not secret) and two words from
//            code_words.inc (2,379 words: about 22 bits) to read out.
#pragma once

#include <string>

#include "engine_setup.hpp"

namespace rtcengine::cli {

std::string new_transfer_code();
std::string new_word_code();

// Applies either kind of code: sets the secret and, unless the user named a
// channel or room, the room both sides meet in.
void apply_transfer_code(GlobalOptions& options, const std::string& code, bool signal_given);

}  // namespace rtcengine::cli
