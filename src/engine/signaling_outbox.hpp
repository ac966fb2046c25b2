// Outgoing signaling messages wait here until the signaler is ready, so the
// engine never busy-waits and never loses a message to a not-ready signaler.
// Engine thread only.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "rtcengine/signaler.hpp"

namespace rtcengine::detail {

class SignalingOutbox {
 public:
  using ReportError = std::function<void(const std::string&)>;

  SignalingOutbox(std::shared_ptr<Signaler> signaler, ReportError report);

  void send(Json message);
  // Call on every change of the signaler's ready state.
  void on_ready_changed(bool ready);
  std::size_t waiting() const { return waiting_.size(); }

 private:
  void flush();

  std::shared_ptr<Signaler> signaler_;
  ReportError report_;
  std::deque<Json> waiting_;
};

}  // namespace rtcengine::detail
