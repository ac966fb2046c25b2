// Transactions: one-way transfers of a stream or a file between the peers,
// compatible with rtc-engine's (metadata event, `__transaction-ready`, binary
// chunks, pause/resume/abort/cancel, buffer-full/pull). Between two RTCEngine
// peers they also carry a SHA-256 digest the reader verifies, confirmations
// of what the reader wrote (so progress counts confirmed bytes), and a resume
// offset so an interrupted file transfer continues where it stopped.
//
// One header per concept; this one includes them all:
//   writable.hpp           Writable, the sending end
//   readable.hpp           Readable, the receiving end, and SaveOptions
//   transfer_progress.hpp  TransferState, TransferProgress and their handlers
//   transfer_options.hpp   TransferOptions, the settings of both ends
//
// Threads: every method may be called from any thread. The blocking ones
// (write, send_file, read, wait) are for your own threads. Handlers run on
// the engine's thread and must not block.
#pragma once

#include "rtcengine/readable.hpp"
#include "rtcengine/transfer_options.hpp"
#include "rtcengine/transfer_progress.hpp"
#include "rtcengine/writable.hpp"
