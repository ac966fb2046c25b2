#include "signaling/local_io.hpp"

#include <boost/asio/executor_work_guard.hpp>

#include <thread>

namespace rtcengine::detail {

boost::asio::io_context& local_io() {
  // Never destroyed: signalers may still be closing while statics go away.
  static auto* io = [] {
    auto* context = new boost::asio::io_context(1);
    auto* guard = new boost::asio::executor_work_guard<boost::asio::io_context::executor_type>(
        context->get_executor());
    (void)guard;
    std::thread([context] { context->run(); }).detach();
    return context;
  }();
  return *io;
}

}  // namespace rtcengine::detail
