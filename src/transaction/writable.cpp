// The public Writable: a thin face over WritableCore, plus the stream and
// file helpers (sent_input.cpp).
#include "rtcengine/writable.hpp"

#include "socket/frame_codec.hpp"
#include "transaction/sent_input.hpp"
#include "transaction/writable_core.hpp"

namespace rtcengine {

using detail::WritableCore;

Writable::Writable(std::shared_ptr<WritableCore> core) : core_(std::move(core)) {}
Writable::~Writable() = default;

const Json& Writable::metadata() const { return core_->metadata(); }
void Writable::write(std::span<const std::uint8_t> bytes) { core_->write(bytes); }
void Writable::write(const void* data, std::size_t size) {
  core_->write(std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(data), size));
}
void Writable::end() { core_->end(); }

void Writable::send_stream(std::istream& in) { detail::send_stream_exactly(*this, in); }

void Writable::send_file(const std::filesystem::path& path) {
  detail::send_file_unchanged(*this, path);
}

std::optional<std::uint64_t> Writable::wait_ready(std::chrono::milliseconds timeout) {
  return core_->wait_ready(timeout);
}
bool Writable::wait(std::chrono::milliseconds timeout) {
  return core_->status().wait(timeout, "Writable::wait()");
}
void Writable::pause() { core_->pause(); }
void Writable::resume() { core_->resume(); }
void Writable::stop(const std::string& reason) { core_->stop(detail::valid_utf8(reason)); }
TransferState Writable::state() const { return core_->status().state(); }
std::exception_ptr Writable::error() const { return core_->status().error(); }
TransferProgress Writable::progress() const { return core_->status().progress(); }
std::uint64_t Writable::bytes_sent() const { return core_->bytes_sent(); }
void Writable::on_progress(ProgressHandler handler) {
  core_->status().on_progress(std::move(handler));
}
void Writable::on_state_change(TransferStateHandler handler) {
  core_->status().on_state_change(std::move(handler));
}

}  // namespace rtcengine
