// The folders LocalSignaler members meet in: BASE/CHANNEL/MEMBER-ID, each
// member a bound Unix datagram socket. BASE must be private to this user:
// whoever can open it sees every heartbeat and can delete or replace the
// members' sockets.
#pragma once

#include <filesystem>
#include <string>

namespace rtcengine::detail {

// $XDG_RUNTIME_DIR/rtcengine when that is set, else /tmp/rtcengine-UID.
std::filesystem::path default_rendezvous_base();

// Creates `base` (mode 0700) when missing; then requires that it is a real
// folder (not a symbolic link), owned by this user, that no other user may
// write in, and makes it 0700 if others could still read it (as earlier
// versions left it). Throws SignalingError naming the folder, what is wrong
// and what to do.
void ensure_private_folder(const std::filesystem::path& base);

// A member's socket name: 16 lowercase hex digits (its random id).
bool is_member_id(const std::string& name);

// Removes member sockets nobody is bound to any more (their process ended
// without cleaning up), then channel folders left empty. Other files stay.
void sweep_stale_members(const std::filesystem::path& base);

// Removes `folder` when empty; a member joining at that moment recreates it.
void remove_if_empty(const std::filesystem::path& folder);

}  // namespace rtcengine::detail
