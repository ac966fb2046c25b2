#include "signaling/local_io.hpp"

#include <boost/asio/executor_work_guard.hpp>

#include <thread>

namespace rtcengine::detail {
namespace {

struct SharedIo {
  boost::asio::io_context context{1};
  // Keeps run() going while no signaler has work queued.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{
      context.get_executor()};
};

}  // namespace

boost::asio::io_context& local_io() {
  // Never destroyed: signalers may still be closing while statics go away.
  static SharedIo* io = [] {
    auto* shared = new SharedIo();
    std::thread([shared] { shared->context.run(); }).detach();
    return shared;
  }();
  return io->context;
}

}  // namespace rtcengine::detail
