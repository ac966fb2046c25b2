// Everything RTCEngine offers, in one include.
#pragma once

#include "rtcengine/connection_state.hpp"
#include "rtcengine/engine.hpp"
#include "rtcengine/errors.hpp"
#include "rtcengine/local_signaler.hpp"
#include "rtcengine/message.hpp"
#include "rtcengine/options.hpp"
#include "rtcengine/signaler.hpp"
#include "rtcengine/socket.hpp"
#include "rtcengine/stats.hpp"
#include "rtcengine/transaction.hpp"
#include "rtcengine/websocket_signaler.hpp"
