// Transaction control messages and metadata from the peer, through the real
// socket and transaction cores over a fake channel and loop: the metadata
// (size, name, the "__rtcengine" extension), `__transaction-ready`,
// `__digest`, `__ack`, pause/resume/abort/cancel, chunks, a resumed part
// file, the channel closing at any point.
//
// Rules: nothing throws out of a handler; a file is under its final name
// only when the transfer is done, then with every announced byte and the
// content the sender's digest names; no part file is left after a done or
// corrupt transfer; a writer never counts more confirmed bytes than it has.
//
// Input, one command a line:
//   first line  "r" reader to a callback, "s" to a stream, "f" to a file;
//               "w[SIZE]" a writer of SIZE bytes (no size: a stream)
//   T<text>     a text frame from the peer      B<bytes>  a binary frame
//   Z<n>        a binary frame of n zero bytes  X         the channel closes
//   P<bytes>    file reader, before the metadata: a part file left by an
//               earlier attempt of the same transfer (resume)
//   Lp Lr Ls    this side pauses, resumes, stops
//   E           writer: this side ends
#include <charconv>
#include <fstream>
#include <sstream>

#include "rtcengine/socket.hpp"
#include "rtcengine/transaction.hpp"
#include "socket/socket_core.hpp"
#include "support/check.hpp"
#include "support/fake_data_channel.hpp"
#include "support/fake_loop.hpp"
#include "support/temp_folder.hpp"
#include "transaction/partial_file.hpp"
#include "transaction/readable_core.hpp"
#include "transaction/sha256.hpp"
#include "transaction/writable_core.hpp"

namespace rtcengine::fuzz {
namespace {

namespace fs = std::filesystem;
using detail::SocketCore;

constexpr std::size_t kMaxZeroFrame = 300 * 1024;
constexpr std::uint64_t kMaxZeroBytes = 4 * 1024 * 1024;

std::string sha256_of(std::string_view bytes) {
  detail::Sha256 hasher;
  hasher.update(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  return hasher.finish_hex();
}

std::string file_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::uint64_t number_in(std::string_view text) {
  std::uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// The channel and socket under test, as the engine would set them up.
struct Wire {
  explicit Wire(SocketCore::Side side)
      : channel(std::make_shared<FakeDataChannel>(loop)),
        core(std::make_shared<SocketCore>(loop, channel, side)),
        socket(std::make_shared<Socket>(core)) {
    core->start({});
    channel->open();
    if (side == SocketCore::Side::receiver) core->claim();
    loop.drain();
  }
  ~Wire() {
    // A socket drops its handlers (and their cycles) once closed.
    channel->close();
    loop.drain();
  }
  // Frames common to both sides; true when the line was one of them.
  bool deliver(std::string_view line, std::uint64_t& zero_budget) {
    switch (line.empty() ? ' ' : line[0]) {
      case 'T': channel->deliver(line.substr(1), false); break;
      case 'B': channel->deliver(line.substr(1), true); break;
      case 'Z': {
        auto size =
            std::min<std::uint64_t>({number_in(line.substr(1)), kMaxZeroFrame, zero_budget});
        zero_budget -= size;
        channel->deliver(std::string(size, '\0'), true);
        break;
      }
      case 'X': channel->close(); break;
      default: return false;
    }
    loop.drain();
    return true;
  }

  FakeLoop loop;
  std::shared_ptr<FakeDataChannel> channel;
  std::shared_ptr<SocketCore> core;
  SocketPtr socket;
};

struct Reader {
  Reader(char chosen_sink, const fs::path& folder)
      : sink(chosen_sink), final_path(folder / "received") {}

  void on_metadata(const Json& metadata) {
    if (readable) return;
    auto core = std::make_shared<detail::ReadableCore>(wire.socket, metadata, TransferOptions{});
    core->start();
    readable = std::make_shared<Readable>(core);
    (void)readable->name();
    (void)readable->size();
    // The reader's own criterion: only a SHA-256 digest is awaited and checked.
    announces_digest = metadata.is_object() && metadata.contains("__rtcengine") &&
                       metadata["__rtcengine"].is_object() &&
                       metadata["__rtcengine"].contains("digest") &&
                       metadata["__rtcengine"]["digest"] == "sha256";
    if (sink == 'r') {
      readable->on_data([this](std::span<const std::uint8_t> bytes) { delivered += bytes.size(); });
    } else if (sink == 's') {
      readable->pipe_to(stream);
    } else {
      plant_part_file(metadata);
      try {
        readable->save_to(final_path, SaveOptions{});
      } catch (const Error&) {
        // A refused file (it exists, cannot be written) is an API error.
      }
    }
  }

  void plant_part_file(const Json& metadata) {
    if (part_content.empty()) return;
    auto part = detail::PartialFile::part_path_for(final_path);
    std::ofstream(part, std::ios::binary) << part_content;
    std::string id;
    if (metadata.is_object() && metadata.contains("__rtcengine") &&
        metadata["__rtcengine"].is_object() && metadata["__rtcengine"].contains("id") &&
        metadata["__rtcengine"]["id"].is_string()) {
      id = metadata["__rtcengine"]["id"].get<std::string>();
    }
    std::ofstream(part.string() + ".json")
        << Json{{"id", id}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  }

  void note_digest(std::string_view line) {
    if (line.empty() || line[0] != 'T') return;
    auto decoded = detail::decode_text(line.substr(1));
    auto* event = std::get_if<detail::EventFrame>(&decoded);
    if (event && event->name == "__digest" && event->payload.is_object() &&
        event->payload.contains("sha256") && event->payload["sha256"].is_string()) {
      last_digest = event->payload["sha256"].get<std::string>();
    }
  }

  void check_end() {
    auto part = detail::PartialFile::part_path_for(final_path);
    if (readable) {
      note(std::string("reader ") + to_string(readable->state()) + ", " +
           std::to_string(readable->progress().bytes) + " bytes");
    }
    bool done = readable && readable->state() == TransferState::done;
    if (sink != 'f' || !readable) return;
    require(done == fs::exists(final_path),
            "a file is under its final name but not done, or done but missing");
    if (done) {
      require(!fs::exists(part), "a part file is left after the transfer was done");
      auto content = file_text(final_path);
      if (auto size = readable->size())
        require(content.size() == *size, "a done file misses announced bytes");
      if (announces_digest && digest_at_done) {
        require(sha256_of(content) == *digest_at_done,
                "a done file differs from the sender's digest");
      }
    }
    if (readable->state() == TransferState::failed) {
      try {
        std::rethrow_exception(readable->error());
      } catch (const IntegrityError&) {
        require(!fs::exists(part), "a corrupt part file was kept");
      } catch (const Error&) {}
    }
  }

  Wire wire{SocketCore::Side::receiver};
  char sink;
  fs::path final_path;
  ReadablePtr readable;
  std::ostringstream stream;
  std::uint64_t delivered = 0;
  std::string part_content;
  bool announces_digest = false;
  std::optional<std::string> last_digest;
  bool done_seen = false;
  std::optional<std::string> digest_at_done;  // the last digest sent before the end
};

void run_reader(char sink, const std::vector<std::string_view>& lines, const fs::path& folder) {
  Reader reader(sink, folder);
  reader.wire.socket->on_event("metadata",
                               [&](const Json& metadata) { reader.on_metadata(metadata); });
  std::uint64_t zero_budget = kMaxZeroBytes;
  for (auto line : lines) {
    reader.note_digest(line);
    if (!reader.wire.deliver(line, zero_budget)) {
      if (line.starts_with("P") && !reader.readable) reader.part_content.append(line.substr(1));
      if (reader.readable && line == "Lp") reader.readable->pause();
      if (reader.readable && line == "Lr") reader.readable->resume();
      if (reader.readable && line == "Ls") reader.readable->stop("fuzz");
      reader.wire.loop.drain();
    }
    if (reader.readable && !reader.done_seen && reader.readable->state() == TransferState::done) {
      reader.done_seen = true;
      reader.digest_at_done = reader.last_digest;
    }
  }
  reader.wire.channel->close();
  reader.wire.loop.drain();
  reader.wire.loop.fire_timers();
  reader.check_end();
}

void run_writer(std::string_view first, const std::vector<std::string_view>& lines) {
  Wire wire(SocketCore::Side::creator);
  std::optional<std::uint64_t> size;
  if (first.size() > 1) size = std::min<std::uint64_t>(number_in(first.substr(1)), 1 << 20);
  Json metadata = {{"name", "fuzz"}};
  if (size) metadata["size"] = *size;
  auto core = std::make_shared<detail::WritableCore>(wire.socket, metadata,
                                                     TransferOptions{.chunk_size = 1000});
  core->start();
  Writable writable(core);
  wire.loop.drain();
  std::uint64_t given = 0;
  std::uint64_t zero_budget = kMaxZeroBytes;
  const std::vector<std::uint8_t> piece(700, 'x');
  for (auto line : lines) {
    if (!wire.deliver(line, zero_budget)) {
      if (line == "Lp") writable.pause();
      if (line == "Lr") writable.resume();
      if (line == "Ls") writable.stop("fuzz");
      try {
        if (line == "E" && writable.wait_ready(std::chrono::milliseconds(0))) writable.end();
      } catch (const Error&) {
        // Ending short of the size, or after a failure: an API error.
      }
      wire.loop.drain();
    }
    for (int pieces = 0;
         pieces < 4 && writable.state() == TransferState::running && (!size || given < *size);
         ++pieces) {
      auto count = size ? std::min<std::uint64_t>(*size - given, piece.size()) : piece.size();
      try {
        writable.write(piece.data(), count);
        given += count;
      } catch (const Error&) {}
      wire.loop.drain();
    }
    if (writable.state() != TransferState::failed) {
      // A resuming reader starts at its offset: those bytes count as confirmed.
      auto offset = writable.wait_ready(std::chrono::milliseconds(0)).value_or(0);
      auto bound = offset > UINT64_MAX - given ? UINT64_MAX : offset + given;
      require(writable.progress().bytes <= bound,
              "the writer counts more confirmed bytes than the reader had plus what it wrote");
    }
  }
  wire.channel->close();
  wire.loop.drain();
  wire.loop.fire_timers();
  note(std::string("writer ") + to_string(writable.state()) + ", " + std::to_string(given) +
       " bytes written, " + std::to_string(writable.progress().bytes) + " confirmed");
}

}  // namespace

void transaction(Input input) {
  static TempFolder folder("transaction");
  folder.empty();
  auto lines = lines_of(input);
  if (lines.empty()) return;
  auto first = lines.front();
  lines.erase(lines.begin());
  if (first.starts_with("w")) {
    run_writer(first, lines);
  } else if (first == "r" || first == "s" || first == "f") {
    run_reader(first[0], lines, folder.path());
  }
}

}  // namespace rtcengine::fuzz
