// Errors RTCEngine reports. Misuse at a call site throws one of these;
// asynchronous failures arrive through error callbacks or failed futures.
#pragma once

#include <stdexcept>
#include <string>

namespace rtcengine {

/// Base of every error RTCEngine throws or reports.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An option has a value RTCEngine cannot use; the message names the field.
class InvalidOptionError : public Error {
 public:
  using Error::Error;
};

/// The engine, socket or transaction is closed; open a new one.
class ClosedError : public Error {
 public:
  using Error::Error;
};

/// A single message is larger than the peer connection can carry.
class MessageTooLargeError : public Error {
 public:
  using Error::Error;
};

/// The socket's send buffer is full and the caller cannot wait here.
class BufferFullError : public Error {
 public:
  using Error::Error;
};

/// A blocking helper gave up waiting.
class TimeoutError : public Error {
 public:
  using Error::Error;
};

/// The peer or the signaling path sent something that breaks the protocol.
class ProtocolError : public Error {
 public:
  using Error::Error;
};

/// Signaling failed the shared secret's key exchange: a server in the middle,
/// a peer without (or with another) secret, or too many failed tries.
class AuthenticationError : public ProtocolError {
 public:
  using ProtocolError::ProtocolError;
};

/// Signaling cannot go on, and retrying will not help: the server refused
/// the room for good (someone else holds it: room-full that lasts, another
/// room secret; or a wrong token), or a LocalSignaler's folder is unsafe. A
/// signaler reports it through its error handler; the engine then reports it
/// through Engine::on_error and closes (state closed). The message says what
/// happened and what to do.
class SignalingError : public Error {
 public:
  using Error::Error;
};

/// The call cannot be made this way (wrong thread, duplicate label, ...).
class UsageError : public Error {
 public:
  using Error::Error;
};

/// A transaction failed: stopped by either side (the message carries the
/// reason the other side gave), its socket was lost, or a file could not be
/// read or written.
class TransferError : public Error {
 public:
  using Error::Error;
};

/// Either side stopped the transaction on purpose (stop(), a refused file);
/// the message carries the reason. Trying the same transfer again will not help.
class TransferStoppedError : public TransferError {
 public:
  using TransferError::TransferError;
};

/// What arrived does not match the digest the writer sent.
class IntegrityError : public TransferError {
 public:
  using TransferError::TransferError;
};

}  // namespace rtcengine
