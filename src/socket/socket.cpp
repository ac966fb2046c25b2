// The public Socket handle: a thin face over SocketCore.
#include "rtcengine/socket.hpp"

#include "socket/frame_codec.hpp"
#include "socket/socket_core.hpp"

namespace rtcengine {

using detail::SocketCore;

Socket::Socket(std::shared_ptr<SocketCore> core) : core_(std::move(core)) {}
Socket::~Socket() = default;

const std::string& Socket::label() const { return core_->label(); }
bool Socket::is_open() const { return core_->is_open(); }

void Socket::write(const Json& value) {
  core_->write_frame(detail::encode_value(value), false, SocketCore::WriteMode::wait);
}

void Socket::write_binary(std::span<const std::uint8_t> bytes) {
  core_->write_frame(std::string(bytes.begin(), bytes.end()), true, SocketCore::WriteMode::wait);
}

void Socket::write_binary(const void* data, std::size_t size) {
  write_binary(std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(data), size));
}

void Socket::write_event(std::string_view name, const Json& payload) {
  core_->write_frame(detail::encode_event(name, payload), false, SocketCore::WriteMode::wait);
}

bool Socket::try_write(const Json& value) {
  return core_->write_frame(detail::encode_value(value), false, SocketCore::WriteMode::try_once);
}

bool Socket::try_write_binary(std::span<const std::uint8_t> bytes) {
  return core_->write_frame(std::string(bytes.begin(), bytes.end()), true,
                            SocketCore::WriteMode::try_once);
}

std::size_t Socket::buffered_amount() const { return core_->buffered_amount(); }
void Socket::set_max_buffered(std::size_t bytes) { core_->set_max_buffered(bytes); }
bool Socket::wait_writable(std::chrono::milliseconds timeout, std::size_t size) {
  return core_->wait_writable(timeout, size);
}
void Socket::on_drain(DrainHandler handler) { core_->on_drain(std::move(handler)); }
void Socket::on_data(DataHandler handler) { core_->on_data(std::move(handler)); }
void Socket::on_event(const std::string& name, EventHandler handler) {
  core_->on_event(name, std::move(handler));
}
void Socket::on_close(CloseHandler handler) { core_->on_close(std::move(handler)); }
void Socket::on_error(ErrorHandler handler) { core_->on_error(std::move(handler)); }
void Socket::close() {
  // First: from here no data, event or drain handler starts (docs/api.md,
  // "Handlers and close()"), also for frames already arrived.
  core_->stop_handlers();
  core_->close();
}
bool Socket::wait_closed(std::chrono::milliseconds timeout) const {
  return core_->wait_closed(timeout);
}
SocketStats Socket::stats() const { return core_->stats(); }

}  // namespace rtcengine
