#include "refusal.hpp"

#include <array>
#include <string>

namespace rtcengine::signal_server {

void refuse_with_503(boost::asio::ip::tcp::socket& socket, std::string_view reason) {
  std::string body = std::string(reason) + "\n";
  std::string answer = "HTTP/1.1 503 Service Unavailable\r\n"
                       "Server: rtcengine-signal\r\n"
                       "Content-Type: text/plain\r\n"
                       "Retry-After: 5\r\n"
                       "Connection: close\r\n"
                       "Content-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body;
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  // A fresh socket's send buffer always has room for these few hundred bytes.
  socket.write_some(boost::asio::buffer(answer), ignored);
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  std::array<char, 4096> discard;
  for (int round = 0; round < 16; ++round) {
    if (socket.read_some(boost::asio::buffer(discard), ignored) == 0) break;
  }
  socket.close(ignored);
}

}  // namespace rtcengine::signal_server
