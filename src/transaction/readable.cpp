// The public Readable: a thin face over ReadableCore.
#include "rtcengine/readable.hpp"

#include "socket/frame_codec.hpp"
#include "transaction/readable_core.hpp"
#include "transaction/save_target.hpp"

namespace rtcengine {

using detail::ReadableCore;

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
