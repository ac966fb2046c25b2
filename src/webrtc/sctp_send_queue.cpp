#include "webrtc/sctp_send_queue.hpp"

namespace rtcengine::detail {

// Forwards every call to libwebrtc's dcsctp socket unchanged.
class ObservedSctpSocket final : public dcsctp::DcSctpSocketInterface {
 public:
  ObservedSctpSocket(std::unique_ptr<dcsctp::DcSctpSocketInterface> inner,
                     std::shared_ptr<SctpSendQueue> queue)
      : inner_(std::move(inner)), queue_(std::move(queue)) {
    queue_->socket_ = inner_.get();
  }
  ~ObservedSctpSocket() override {
    if (queue_->socket_ == inner_.get()) queue_->socket_ = nullptr;
  }

  void ReceivePacket(rtc::ArrayView<const uint8_t> data) override { inner_->ReceivePacket(data); }
  void HandleTimeout(dcsctp::TimeoutID id) override { inner_->HandleTimeout(id); }
  void Connect() override { inner_->Connect(); }
  void RestoreFromState(const dcsctp::DcSctpSocketHandoverState& state) override {
    inner_->RestoreFromState(state);
  }
  void Shutdown() override { inner_->Shutdown(); }
  void Close() override { inner_->Close(); }
  dcsctp::SocketState state() const override { return inner_->state(); }
  const dcsctp::DcSctpOptions& options() const override { return inner_->options(); }
  void SetMaxMessageSize(size_t size) override { inner_->SetMaxMessageSize(size); }
  void SetStreamPriority(dcsctp::StreamID stream, dcsctp::StreamPriority priority) override {
    inner_->SetStreamPriority(stream, priority);
  }
  dcsctp::StreamPriority GetStreamPriority(dcsctp::StreamID stream) const override {
    return inner_->GetStreamPriority(stream);
  }
  dcsctp::SendStatus Send(dcsctp::DcSctpMessage message,
                          const dcsctp::SendOptions& options) override {
    return inner_->Send(std::move(message), options);
  }
  dcsctp::ResetStreamsStatus ResetStreams(rtc::ArrayView<const dcsctp::StreamID> streams) override {
    return inner_->ResetStreams(streams);
  }
  size_t buffered_amount(dcsctp::StreamID stream) const override {
    return inner_->buffered_amount(stream);
  }
  size_t buffered_amount_low_threshold(dcsctp::StreamID stream) const override {
    return inner_->buffered_amount_low_threshold(stream);
  }
  void SetBufferedAmountLowThreshold(dcsctp::StreamID stream, size_t bytes) override {
    inner_->SetBufferedAmountLowThreshold(stream, bytes);
  }
  absl::optional<dcsctp::Metrics> GetMetrics() const override { return inner_->GetMetrics(); }
  dcsctp::HandoverReadinessStatus GetHandoverReadiness() const override {
    return inner_->GetHandoverReadiness();
  }
  absl::optional<dcsctp::DcSctpSocketHandoverState> GetHandoverStateAndClose() override {
    return inner_->GetHandoverStateAndClose();
  }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  dcsctp::SctpImplementation peer_implementation() const override {
    return inner_->peer_implementation();
  }
#pragma GCC diagnostic pop

 private:
  std::unique_ptr<dcsctp::DcSctpSocketInterface> inner_;
  std::shared_ptr<SctpSendQueue> queue_;
};

void SctpSendQueue::read_queued_bytes(int stream_id, std::function<void(std::size_t)> done) {
  rtc::Thread* caller = rtc::Thread::Current();
  network_thread_.PostTask([self = shared_from_this(), stream_id, caller, done = std::move(done)] {
    std::size_t queued = 0;
    if (self->socket_ && stream_id >= 0) {
      queued = self->socket_->buffered_amount(dcsctp::StreamID(static_cast<uint16_t>(stream_id)));
    }
    caller->PostTask([done, queued] { done(queued); });
  });
}

std::unique_ptr<dcsctp::DcSctpSocketInterface> observe_send_queue(
    std::unique_ptr<dcsctp::DcSctpSocketInterface> socket, std::shared_ptr<SctpSendQueue> queue) {
  if (!queue) return socket;
  return std::make_unique<ObservedSctpSocket>(std::move(socket), std::move(queue));
}

}  // namespace rtcengine::detail
