// `rtcengine send FILE...`: offers each file as a transaction. A transfer
// cut by a lost connection or a restarted receiver is tried again on the
// next connection and resumes where the receiver stopped; a refusal or a
// digest mismatch is final, and so is a file that changes while it is sent.
// Files that cannot be read are found before the peer connects.
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "file_list.hpp"
#include "interrupt.hpp"
#include "progress_display.hpp"
#include "transfer_control.hpp"

namespace rtcengine::cli {
namespace {

Json metadata_for(const FileToSend& file) {
  return {{"name", file.name}, {"size", file.size}, {"modified", file.modified}};
}

Json manifest_of(const std::vector<FileToSend>& files, const std::vector<std::size_t>& pending) {
  Json list = Json::array();
  for (auto index : pending)
    list.push_back({{"name", files[index].name}, {"size", files[index].size}});
  return {{"files", list}};
}

enum class Outcome { done, failed, retry, interrupted };

// Sends one file; `retry` when the connection went away underneath.
Outcome send_one(Engine& engine, const FileToSend& file, ProgressDisplay& display,
                 std::uint64_t& resent_total, std::uint64_t& previous_end) {
  auto future = engine.writable(metadata_for(file));
  auto writer = get_unless_interrupted(future);
  if (!writer) return Outcome::interrupted;
  (*writer)->on_progress([&display, name = file.name](const TransferProgress& progress) {
    display.update(name, progress);
  });
  // Ctrl-C while send_file() blocks: stop from a watcher thread. A jthread
  // is joined however this function is left.
  std::jthread watcher([&](std::stop_token finished) {
    while (!finished.stop_requested()) {
      if (interrupted()) {
        (*writer)->stop("the sender was interrupted (Ctrl-C)");
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  try {
    (*writer)->send_file(file.path);
    while (!(*writer)->wait(std::chrono::milliseconds(200))) {}
    auto progress = (*writer)->progress();
    if (previous_end > progress.resumed_from) resent_total += previous_end - progress.resumed_from;
    display.finish(file.name, progress, true, "");
    return Outcome::done;
  } catch (const TransferStoppedError& error) {
    // Stopped by either side, or the file changed or could not be read: final.
    display.finish(file.name, (*writer)->progress(), false, error.what());
    return interrupted() ? Outcome::interrupted : Outcome::failed;
  } catch (const IntegrityError& error) {
    display.finish(file.name, (*writer)->progress(), false, error.what());
    return Outcome::failed;
  } catch (const TransferError& error) {
    // Lost connection or restarted receiver: try again on the next one.
    auto progress = (*writer)->progress();
    if (previous_end > progress.resumed_from) resent_total += previous_end - progress.resumed_from;
    previous_end = (*writer)->bytes_sent();
    display.note("interrupted " + file.name + " after " + std::to_string(progress.bytes) +
                 " confirmed bytes: " + error.what() + "; will resume");
    return Outcome::retry;
  } catch (const std::exception& error) {
    // Anything else is this file's end, told to the receiver.
    (*writer)->stop(std::string("the sender failed: ") + error.what());
    display.finish(file.name, (*writer)->progress(), false, error.what());
    return Outcome::failed;
  }
}

// Prints why files cannot be sent; nothing is sent then.
int refuse(const std::vector<std::string>& problems) {
  for (const auto& problem : problems) std::cerr << "rtcengine send: " << problem << std::endl;
  std::cerr << "rtcengine send: nothing was sent; fix or leave out "
            << (problems.size() == 1 ? "this file" : "these files") << std::endl;
  return kExitFailed;
}

}  // namespace

int run_send(const GlobalOptions& options, const std::vector<std::string>& paths,
             const TransferFlags& flags) {
  FileList list;
  try {
    list = list_files(paths);
  } catch (const std::exception& error) {
    std::cerr << "rtcengine send: " << error.what() << std::endl;
    return kExitUsage;
  }
  if (!list.problems.empty()) return refuse(list.problems);
  const auto& files = list.files;
  ProgressDisplay display(ProgressDisplay::choose(flags.json));
  auto engine = make_engine(options);
  engine->on_error([&](const Error& error) {
    if (options.verbose) display.note(std::string("warning: ") + error.what());
  });
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < files.size(); ++i) pending.push_back(i);
  std::vector<std::uint64_t> previous_end(files.size(), 0);
  std::uint64_t resent = 0;
  int failures = 0;
  display.note("waiting for the receiver on " + options.signal);

  while (!pending.empty()) {
    auto control_future = engine->socket(kControlLabel);
    auto control = get_unless_interrupted(control_future);
    if (!control) return kExitInterrupted;
    if (auto path = describe_path(*engine); !path.empty()) display.note(path);
    try {
      (*control)->write_event(kManifestEvent, manifest_of(files, pending));
    } catch (const ClosedError&) {
      continue;  // the connection went away at once; wait for the next one
    }
    std::vector<std::size_t> still;
    bool reconnect = false;
    for (auto index : pending) {
      if (reconnect) {
        still.push_back(index);
        continue;
      }
      switch (send_one(*engine, files[index], display, resent, previous_end[index])) {
        case Outcome::done: break;
        case Outcome::failed: ++failures; break;
        case Outcome::retry:
          still.push_back(index);
          reconnect = true;
          break;
        case Outcome::interrupted:
          try {
            (*control)->write_event(kInterruptedEvent, "the sender was interrupted (Ctrl-C)");
            (*control)->close();
            // Best effort: the process exits either way.
            (void)(*control)->wait_closed(std::chrono::seconds(2));
          } catch (const Error&) {}
          display.note("interrupted");
          return kExitInterrupted;
      }
    }
    pending = std::move(still);
    if (reconnect) {
      try {
        (*control)->close();
      } catch (const Error&) {}
      // Bounded: the next round opens a new control socket either way.
      (void)(*control)->wait_closed(std::chrono::seconds(10));
    }
  }
  display.note("sent " + std::to_string(files.size() - failures) + " of " +
               std::to_string(files.size()) +
               " files; bytes sent again after resumes: " + std::to_string(resent));
  engine->close();
  return failures == 0 ? kExitOk : kExitFailed;
}

}  // namespace rtcengine::cli
