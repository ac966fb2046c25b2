#include "engine/error_reporter.hpp"

#include "util/log.hpp"

namespace rtcengine::detail {

void ErrorReporter::report(const Error& error) {
  RTCENGINE_LOG(warning, "engine " << owner_ << ": " << error.what());
  if (handler_) {
    handler_(error);
    return;
  }
  if (kept_.size() >= kMaxKept) kept_.pop_front();
  Kind kind = dynamic_cast<const AuthenticationError*>(&error) ? Kind::authentication
              : dynamic_cast<const ProtocolError*>(&error)     ? Kind::protocol
              : dynamic_cast<const SignalingError*>(&error)    ? Kind::signaling
                                                               : Kind::plain;
  kept_.emplace_back(kind, error.what());
}

void ErrorReporter::set_handler(Engine::ErrorHandler handler) {
  handler_ = std::move(handler);
  if (!handler_) return;
  auto kept = std::move(kept_);
  kept_.clear();
  // A copy: the handler may replace itself while the kept ones are delivered.
  auto handler_now = handler_;
  for (auto& [kind, text] : kept) {
    switch (kind) {
      case Kind::authentication: handler_now(AuthenticationError(text)); break;
      case Kind::protocol: handler_now(ProtocolError(text)); break;
      case Kind::plain: handler_now(Error(text)); break;
      case Kind::signaling: handler_now(SignalingError(text)); break;
    }
  }
}

}  // namespace rtcengine::detail
