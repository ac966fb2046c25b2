// Transaction control messages and metadata from the peer, through the real
// socket and transaction cores over a fake channel and loop: the writer's
// `__transfer` announcement and the metadata (size, name), `__received`,
// `__transaction-ready`, `__digest`, `__ack`, `__verified`, `__close`,
// pause/resume/abort/cancel, chunks, a resumed part file, the channel
// closing at any point. The peer is either an RTCEngine that announced our
// extensions in its role message (close handshake, transfer extension) or
// the original rtc-engine, which announced none; the reader takes whatever
// `__transfer` the wire brings, as the engine does.
//
// Rules: nothing throws out of a handler; a file is under its final name
// only when the transfer is done, then with every announced byte and the
// content the sender's digest names; no part file is left after a done or
// corrupt transfer; a writer never counts more confirmed bytes than it has;
// this side never sends a frame the peer cannot decode, nor an extension
// the peer neither announced nor used: `__transfer` and `__digest` only to
// a peer that announced the transfer extension, `__close` only to one that
// announced the close handshake or sent a marker itself, and the reader's
// `__ack`, `__verified`, `__integrity-failed` and ready payload only to a
// writer that sent `__transfer`.
//
// Input, one command a line:
//   first line  "r" reader to a callback, "s" to a stream, "f" to a file;
//               "w[SIZE]" a writer of SIZE bytes (no size: a stream);
//               a leading "-" makes the peer an rtc-engine (no extensions)
//   T<text>     a text frame from the peer      B<bytes>  a binary frame
//   Z<n>        a binary frame of n zero bytes  X         the channel closes
//   P<bytes>    file reader, before the metadata: a part file left by an
//               earlier attempt of the same transfer (resume)
//   Lp Lr Ls    this side pauses, resumes, stops
//   E           writer: this side ends
#include <charconv>
#include <fstream>
#include <sstream>

#include "negotiation/peer_extensions.hpp"
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
#include "transaction/transfer_events.hpp"
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

// What the engine holds after the peer's role message: an RTCEngine peer's
// announcement (ours), or none from an rtc-engine peer.
std::shared_ptr<const detail::PeerExtensions> extensions_of_peer(bool announced) {
  Json role = {{"type", "role"}, {"seed", 0.5}};
  if (announced) role[detail::kExtensionsKey] = detail::PeerExtensions::announcement();
  auto extensions = detail::PeerExtensions::from_role_message(role);
  require(extensions.close_handshake == announced && extensions.transfer == announced,
          "our own announcement of the extensions does not read back as sent");
  return std::make_shared<const detail::PeerExtensions>(extensions);
}

bool is_reader_extension(const std::string& event) {
  return event == detail::kAckEvent || event == detail::kVerifiedEvent ||
         event == detail::kIntegrityFailedEvent;
}

// The channel and socket under test, as the engine would set them up.
struct Wire {
  Wire(SocketCore::Side side, bool peer_announced_extensions)
      : peer(extensions_of_peer(peer_announced_extensions)),
        channel(std::make_shared<FakeDataChannel>(loop)),
        core(std::make_shared<SocketCore>(loop, channel, side, peer)),
        socket(std::make_shared<Socket>(core)) {
    channel->on_event_sent = [this](const detail::EventFrame& event) { check_sent(event); };
    core->start({});
    channel->open();
    if (side == SocketCore::Side::receiver) core->claim();
    loop.drain();
  }
  ~Wire() {
    // A socket drops its handlers (and their cycles) once closed.
    channel->close();
    loop.drain();
    channel->on_event_sent = nullptr;
  }
  // An rtc-engine peer is never sent an event it does not know: only what
  // it announced or (the close marker, a reader's answers) used itself.
  void check_sent(const detail::EventFrame& event) {
    if (event.name == detail::kTransferEvent || event.name == detail::kDigestEvent) {
      require(peer->transfer, "sent the transfer extension to a peer that did not announce it");
    }
    if (event.name == detail::kCloseEvent) {
      require(peer->close_handshake || peer_sent_close_marker,
              "sent a close marker to a peer that neither announced the handshake nor sent one");
    }
    if (is_reader_extension(event.name) ||
        (event.name == detail::kTransactionReadyEvent && !event.payload.is_null())) {
      require(writer_announced_transfer,
              "answered with the transfer extension a writer that did not announce it");
    }
  }

  // Frames common to both sides; true when the line was one of them.
  bool deliver(std::string_view line, std::uint64_t& zero_budget) {
    switch (line.empty() ? ' ' : line[0]) {
      case 'T': {
        auto decoded = detail::decode_text(line.substr(1));
        auto* event = std::get_if<detail::EventFrame>(&decoded);
        if (event && event->name == detail::kCloseEvent && !channel->is_closed()) {
          peer_sent_close_marker = true;
        }
        channel->deliver(line.substr(1), false);
        break;
      }
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
  std::shared_ptr<const detail::PeerExtensions> peer;
  std::shared_ptr<FakeDataChannel> channel;
  std::shared_ptr<SocketCore> core;
  SocketPtr socket;
  bool peer_sent_close_marker = false;
  // Reader: the `__transfer` handed to its core was an announcement.
  bool writer_announced_transfer = false;
};

struct Reader {
  Reader(char chosen_sink, bool peer_announced_extensions, const fs::path& folder)
      : wire(SocketCore::Side::receiver, peer_announced_extensions),
        sink(chosen_sink),
        final_path(folder / "received"),
        part_path(folder / detail::PartialFile::part_name_for("received")) {}

  // As the engine's await_metadata: the writer's last `__transfer` before
  // its metadata goes to the core with it (null from an rtc-engine writer).
  void on_metadata(const Json& metadata) {
    if (readable) return;
    auto core =
        std::make_shared<detail::ReadableCore>(wire.socket, metadata, transfer, TransferOptions{});
    wire.writer_announced_transfer = transfer.is_object();
    core->start();
    readable = std::make_shared<Readable>(core);
    (void)readable->name();
    (void)readable->size();
    // The reader's own criterion: only a SHA-256 digest is awaited and checked.
    announces_digest =
        transfer.is_object() && transfer.contains("digest") && transfer["digest"] == "sha256";
    if (sink == 'r') {
      readable->on_data([this](std::span<const std::uint8_t> bytes) { delivered += bytes.size(); });
    } else if (sink == 's') {
      readable->pipe_to(stream);
    } else {
      plant_part_file();
      try {
        readable->save_to(final_path, SaveOptions{});
      } catch (const Error&) {
        // A refused file (it exists, cannot be written) is an API error.
      }
    }
  }

  // The part file and sidecar an earlier attempt of this transfer left.
  void plant_part_file() {
    if (part_content.empty()) return;
    std::ofstream(part_path, std::ios::binary) << part_content;
    std::string id;
    if (transfer.is_object() && transfer.contains("id") && transfer["id"].is_string()) {
      id = transfer["id"].get<std::string>();
    }
    std::ofstream(part_path.string() + ".json")
        << Json{{"id", id}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  }

  void note_digest(std::string_view line) {
    if (line.empty() || line[0] != 'T') return;
    auto decoded = detail::decode_text(line.substr(1));
    auto* event = std::get_if<detail::EventFrame>(&decoded);
    if (event && event->name == detail::kDigestEvent && event->payload.is_object() &&
        event->payload.contains("sha256") && event->payload["sha256"].is_string()) {
      last_digest = event->payload["sha256"].get<std::string>();
    }
  }

  void check_end() {
    const auto& part = part_path;
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

  Wire wire;
  char sink;
  fs::path final_path;
  fs::path part_path;
  Json transfer;  // the writer's last `__transfer`
  ReadablePtr readable;
  std::ostringstream stream;
  std::uint64_t delivered = 0;
  std::string part_content;
  bool announces_digest = false;
  std::optional<std::string> last_digest;
  bool done_seen = false;
  std::optional<std::string> digest_at_done;  // the last digest sent before the end
};

void run_reader(char sink, bool peer_announced_extensions,
                const std::vector<std::string_view>& lines, const fs::path& folder) {
  Reader reader(sink, peer_announced_extensions, folder);
  // Set first: kept frames reach handlers in the order the handlers are set.
  reader.wire.socket->on_event(detail::kTransferEvent,
                               [&](const Json& payload) { reader.transfer = payload; });
  reader.wire.socket->on_event(detail::kMetadataEvent,
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

void run_writer(std::string_view first, bool peer_announced_extensions,
                const std::vector<std::string_view>& lines) {
  Wire wire(SocketCore::Side::creator, peer_announced_extensions);
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
  bool peer_announced_extensions = !first.starts_with("-");
  if (!peer_announced_extensions) first.remove_prefix(1);
  if (first.starts_with("w")) {
    run_writer(first, peer_announced_extensions, lines);
  } else if (first == "r" || first == "s" || first == "f") {
    run_reader(first[0], peer_announced_extensions, lines, folder.path());
  }
}

}  // namespace rtcengine::fuzz
