#include "engine/signaling_outbox.hpp"

namespace rtcengine::detail {
namespace {

// Enough for several full negotiations; a peer that stays away longer gets
// a fresh negotiation (ICE restart or re-pairing) when it returns.
constexpr std::size_t kMaxWaiting = 1024;

}  // namespace

SignalingOutbox::SignalingOutbox(std::shared_ptr<Signaler> signaler, ReportError report)
    : signaler_(std::move(signaler)), report_(std::move(report)) {}

void SignalingOutbox::send(Json message) {
  if (waiting_.size() >= kMaxWaiting) {
    report_("signaling message dropped: " + std::to_string(kMaxWaiting) +
            " messages are already waiting for the signaler to become ready");
    return;
  }
  waiting_.push_back(std::move(message));
  flush();
}

void SignalingOutbox::on_ready_changed(bool ready) {
  if (ready) flush();
}

void SignalingOutbox::flush() {
  while (!waiting_.empty() && signaler_->ready()) {
    try {
      signaler_->send(waiting_.front());
    } catch (const std::exception& error) {
      // The signaler may have lost its peer between ready() and send();
      // the message waits for the next ready.
      if (!signaler_->ready()) return;
      report_(std::string("the signaler could not send a message: ") + error.what());
      waiting_.pop_front();
      continue;
    }
    waiting_.pop_front();
  }
}

}  // namespace rtcengine::detail
