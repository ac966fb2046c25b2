#include "signaling/io_thread.hpp"

#include <boost/asio/executor_work_guard.hpp>

#include <thread>

#include "util/log.hpp"

namespace rtcengine::detail {
namespace {

struct IoThread {
  boost::asio::io_context context{1};
  // Keeps run() going while no signaler has work queued.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{
      context.get_executor()};
};

// Signalers catch at their own handlers and report there; this is the last
// line for anything else. An exception leaving a std::thread's body calls
// std::terminate, and this thread serves every signaler of the process.
void run_forever(boost::asio::io_context& context) {
  while (true) {
    try {
      context.run();
      return;
    } catch (const std::exception& error) {
      RTCENGINE_LOG(error, "signaling I/O thread: a handler threw, carrying on: " << error.what());
    } catch (...) {
      RTCENGINE_LOG(error, "signaling I/O thread: a handler threw, carrying on");
    }
  }
}

}  // namespace

boost::asio::io_context& io_thread_context() {
  // Never destroyed: signalers may still be closing while statics go away.
  static IoThread* io = [] {
    auto* shared = new IoThread();
    std::thread([shared] { run_forever(shared->context); }).detach();
    return shared;
  }();
  return io->context;
}

}  // namespace rtcengine::detail
