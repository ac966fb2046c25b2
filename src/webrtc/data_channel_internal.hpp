// The libwebrtc side of detail::DataChannel. Included only inside src/webrtc/.
#pragma once

#include <api/data_channel_interface.h>

#include "webrtc/data_channel.hpp"
#include "webrtc/sctp_send_queue.hpp"

namespace rtcengine::detail {

class LibwebrtcDataChannel final : public DataChannel, private webrtc::DataChannelObserver {
 public:
  LibwebrtcDataChannel(rtc::scoped_refptr<webrtc::DataChannelInterface> channel,
                       std::shared_ptr<SctpSendQueue> send_queue);
  ~LibwebrtcDataChannel() override;

  std::string label() const override;
  int id() const override;
  bool is_open() const override;
  bool is_closed() const override;
  void set_callbacks(Callbacks callbacks) override;
  void clear_callbacks() override;
  bool send(const std::uint8_t* data, std::size_t size, bool binary) override;
  std::uint64_t buffered_amount() const override;
  void read_transport_queued(std::function<void(std::uint64_t)> done) override;
  void close() override;
  SocketStats stats() const override;

 private:
  void OnStateChange() override;
  void OnMessage(const webrtc::DataBuffer& buffer) override;
  void OnBufferedAmountChange(uint64_t sent_data_size) override;

  rtc::scoped_refptr<webrtc::DataChannelInterface> channel_;
  std::shared_ptr<SctpSendQueue> send_queue_;
  Callbacks callbacks_;
  bool observing_ = false;
  bool announced_open_ = false;
  bool announced_closed_ = false;
};

}  // namespace rtcengine::detail
