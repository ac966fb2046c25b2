# rtcengine_warnings: the warnings our own code is held to. Link it
# PRIVATE into a target; libwebrtc, Boost and the other libraries come
# in as system headers (-isystem), so their code does not warn.
# RTCENGINE_WERROR turns every warning into an error; CI sets it.
# Left out: -Wconversion (12 findings, all integer-to-double in rate and
# percentage arithmetic) and -Wsign-conversion (14, size_t/int mixes with
# POSIX and GoogleTest); both would mean casts everywhere for no bug found.
# And -Wnull-dereference: with -O2, gcc 12 reports it inside libstdc++,
# Asio and nlohmann::json code inlined into ours (system headers or not).
option(RTCENGINE_WERROR "Treat compiler warnings as errors (CI sets it)" OFF)

add_library(rtcengine_warnings INTERFACE)
target_compile_options(rtcengine_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wformat=2 -Wimplicit-fallthrough -Wmissing-declarations
  $<$<BOOL:${RTCENGINE_WERROR}>:-Werror>)
