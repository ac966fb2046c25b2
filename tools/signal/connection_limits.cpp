#include "connection_limits.hpp"

#include <utility>

namespace rtcengine::signal_server {

std::string source_key(const boost::asio::ip::address& address) {
  if (address.is_v4()) return address.to_v4().to_string();
  auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  }
  auto bytes = v6.to_bytes();
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

ConnectionLimits::Verdict ConnectionLimits::admit(const boost::asio::ip::address& address,
                                                  ConnectionSlot& slot) {
  if (open_ >= options_.max_connections) return Verdict::server_full;
  std::string source = source_key(address);
  auto& count = per_source_[source];
  if (count >= options_.max_connections_per_address) {
    if (count == 0) per_source_.erase(source);
    return Verdict::address_full;
  }
  ++count;
  ++open_;
  slot = ConnectionSlot(*this, std::move(source));
  return Verdict::admitted;
}

void ConnectionLimits::release(const std::string& source) {
  --open_;
  auto found = per_source_.find(source);
  if (found != per_source_.end() && --found->second == 0) per_source_.erase(found);
}

ConnectionSlot::ConnectionSlot(ConnectionLimits& limits, std::string source)
    : limits_(&limits), source_(std::move(source)) {}

ConnectionSlot::ConnectionSlot(ConnectionSlot&& other) noexcept
    : limits_(std::exchange(other.limits_, nullptr)), source_(std::move(other.source_)) {}

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    release();
    limits_ = std::exchange(other.limits_, nullptr);
    source_ = std::move(other.source_);
  }
  return *this;
}

ConnectionSlot::~ConnectionSlot() { release(); }

void ConnectionSlot::release() {
  if (limits_) std::exchange(limits_, nullptr)->release(source_);
}

}  // namespace rtcengine::signal_server
