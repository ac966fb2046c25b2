// The public Writable and Readable: thin faces over their cores, plus the
// stream and file helpers (sent_input.cpp).
#include "socket/frame_codec.hpp"
#include "transaction/readable_core.hpp"
#include "transaction/save_target.hpp"
#include "transaction/sent_input.hpp"
#include "transaction/writable_core.hpp"

namespace rtcengine {

using detail::ReadableCore;
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

Readable::Readable(std::shared_ptr<ReadableCore> core) : core_(std::move(core)) {}
Readable::~Readable() = default;

const Json& Readable::metadata() const { return core_->metadata(); }

std::optional<std::string> Readable::name() const {
  const auto& metadata = core_->metadata();
  if (!metadata.is_object() || !metadata.contains("name") || !metadata["name"].is_string()) {
    return std::nullopt;
  }
  return metadata["name"].get<std::string>();
}

std::optional<std::uint64_t> Readable::size() const { return core_->size(); }

void Readable::on_data(std::function<void(std::span<const std::uint8_t>)> handler) {
  core_->on_data(std::move(handler));
}
void Readable::pipe_to(std::ostream& out) { core_->pipe_to(out); }
void Readable::save_to(const std::filesystem::path& path, SaveOptions options) {
  core_->save_to(detail::SaveTarget::at(path), options);
}
void Readable::save_under(const std::filesystem::path& folder, const std::string& name,
                          SaveOptions options) {
  core_->save_to(detail::SaveTarget::under(folder, name), options);
}
std::optional<Bytes> Readable::read(std::chrono::milliseconds timeout) {
  return core_->read(timeout);
}
bool Readable::wait(std::chrono::milliseconds timeout) {
  return core_->status().wait(timeout, "Readable::wait()");
}
void Readable::pause() { core_->pause(); }
void Readable::resume() { core_->resume(); }
void Readable::stop(const std::string& reason) { core_->stop(detail::valid_utf8(reason)); }
TransferState Readable::state() const { return core_->status().state(); }
std::exception_ptr Readable::error() const { return core_->status().error(); }
TransferProgress Readable::progress() const { return core_->status().progress(); }
void Readable::on_progress(ProgressHandler handler) {
  core_->status().on_progress(std::move(handler));
}
void Readable::on_state_change(TransferStateHandler handler) {
  core_->status().on_state_change(std::move(handler));
}

}  // namespace rtcengine
