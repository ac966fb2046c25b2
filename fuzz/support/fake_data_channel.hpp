// A data channel without libwebrtc: what the socket sends is checked and
// counted (each event it sends is shown to `on_event_sent`), what the target
// delivers arrives as the peer's frames, and a close is announced through
// the loop, as libwebrtc does.
#pragma once

#include <functional>
#include <variant>

#include "socket/frame_codec.hpp"
#include "support/check.hpp"
#include "support/fake_loop.hpp"
#include "webrtc/data_channel.hpp"

namespace rtcengine::fuzz {

class FakeDataChannel final : public detail::DataChannel,
                              public std::enable_shared_from_this<FakeDataChannel> {
 public:
  explicit FakeDataChannel(FakeLoop& loop) : loop_(loop) {}

  std::string label() const override { return "fuzz"; }
  int id() const override { return 1; }
  bool is_open() const override { return open_ && !closed_; }
  bool is_closed() const override { return closed_; }
  void set_callbacks(Callbacks callbacks) override { callbacks_ = std::move(callbacks); }
  void clear_callbacks() override { callbacks_ = {}; }
  bool send(const std::uint8_t* data, std::size_t size, bool binary) override {
    if (!is_open()) return false;
    if (!binary) {
      // Our own text frames must be frames the peer can decode.
      auto decoded =
          detail::decode_text(std::string_view(reinterpret_cast<const char*>(data), size));
      require(!std::holds_alternative<detail::BadFrame>(decoded), "this side sent a bad frame");
      auto* event = std::get_if<detail::EventFrame>(&decoded);
      if (event && on_event_sent) on_event_sent(*event);
    }
    sent_bytes_ += size;
    return true;
  }
  std::uint64_t buffered_amount() const override { return 0; }
  // Nothing waits below the channel: sent means handed to the peer.
  void read_transport_queued(std::function<void(std::uint64_t)> done) override {
    loop_.post([done = std::move(done)] { done(0); });
  }
  void close() override {
    if (closed_) return;
    closed_ = true;
    std::weak_ptr<FakeDataChannel> weak = weak_from_this();
    loop_.post([weak] {
      auto self = weak.lock();
      if (self && self->callbacks_.on_closed) self->callbacks_.on_closed();
    });
  }
  SocketStats stats() const override { return {}; }

  // ---- the peer's side ----
  void open() {
    if (open_ || closed_) return;
    open_ = true;
    if (callbacks_.on_open) callbacks_.on_open();
  }
  void deliver(std::string_view frame, bool binary) {
    if (closed_ || !callbacks_.on_message) return;
    callbacks_.on_message(reinterpret_cast<const std::uint8_t*>(frame.data()), frame.size(),
                          binary);
  }
  std::uint64_t sent_bytes() const { return sent_bytes_; }
  // Every event frame this side sends, as the peer decodes it.
  std::function<void(const detail::EventFrame&)> on_event_sent;

 private:
  FakeLoop& loop_;
  Callbacks callbacks_;
  bool open_ = false;
  bool closed_ = false;
  std::uint64_t sent_bytes_ = 0;
};

}  // namespace rtcengine::fuzz
