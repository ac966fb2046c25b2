// The one I/O thread every LocalSignaler of the process shares, so a
// hundred signalers cost one thread, not a hundred.
#pragma once

#include <boost/asio/io_context.hpp>

namespace rtcengine::detail {

boost::asio::io_context& local_io();

}  // namespace rtcengine::detail
