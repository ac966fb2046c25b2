// libwebrtc DataChannelInterface behind detail::DataChannel.
#include "webrtc/data_channel_internal.hpp"

namespace rtcengine::detail {

LibwebrtcDataChannel::LibwebrtcDataChannel(rtc::scoped_refptr<webrtc::DataChannelInterface> channel,
                                           std::shared_ptr<SctpSendQueue> send_queue)
    : channel_(std::move(channel)), send_queue_(std::move(send_queue)) {}

LibwebrtcDataChannel::~LibwebrtcDataChannel() {
  if (observing_) channel_->UnregisterObserver();
}

std::string LibwebrtcDataChannel::label() const { return channel_->label(); }
int LibwebrtcDataChannel::id() const { return channel_->id(); }
bool LibwebrtcDataChannel::is_open() const {
  return channel_->state() == webrtc::DataChannelInterface::kOpen;
}
bool LibwebrtcDataChannel::is_closed() const {
  return channel_->state() == webrtc::DataChannelInterface::kClosed;
}

void LibwebrtcDataChannel::set_callbacks(Callbacks callbacks) {
  callbacks_ = std::move(callbacks);
  if (!observing_) {
    observing_ = true;
    channel_->RegisterObserver(this);
  }
  // The channel may have opened before anyone listened.
  if (is_open() && !announced_open_ && callbacks_.on_open) {
    announced_open_ = true;
    callbacks_.on_open();
  }
}

void LibwebrtcDataChannel::clear_callbacks() { callbacks_ = {}; }

bool LibwebrtcDataChannel::send(const std::uint8_t* data, std::size_t size, bool binary) {
  if (!is_open()) return false;
  return channel_->Send(webrtc::DataBuffer(rtc::CopyOnWriteBuffer(data, size), binary));
}

std::uint64_t LibwebrtcDataChannel::buffered_amount() const { return channel_->buffered_amount(); }

void LibwebrtcDataChannel::read_transport_queued(std::function<void(std::uint64_t)> done) {
  if (!send_queue_) {
    done(0);
    return;
  }
  send_queue_->read_queued_bytes(channel_->id(), std::move(done));
}

void LibwebrtcDataChannel::close() { channel_->Close(); }

SocketStats LibwebrtcDataChannel::stats() const {
  return SocketStats{channel_->bytes_sent(), channel_->bytes_received(), channel_->messages_sent(),
                     channel_->messages_received()};
}

void LibwebrtcDataChannel::OnStateChange() {
  auto state = channel_->state();
  if (state == webrtc::DataChannelInterface::kOpen && !announced_open_) {
    announced_open_ = true;
    if (callbacks_.on_open) callbacks_.on_open();
  } else if (state == webrtc::DataChannelInterface::kClosed && !announced_closed_) {
    announced_closed_ = true;
    if (callbacks_.on_closed) callbacks_.on_closed();
  }
}

void LibwebrtcDataChannel::OnMessage(const webrtc::DataBuffer& buffer) {
  if (callbacks_.on_message) {
    callbacks_.on_message(buffer.data.cdata(), buffer.data.size(), buffer.binary);
  }
}

void LibwebrtcDataChannel::OnBufferedAmountChange(uint64_t sent_data_size) {
  if (callbacks_.on_sent) callbacks_.on_sent(sent_data_size);
}

}  // namespace rtcengine::detail
