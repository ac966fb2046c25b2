// `rtcengine receive [DIR]`: takes the sender's files into DIR. Names from
// the peer are checked, and every name under DIR is opened from its folder
// without following symlinks (Readable::save_under); existing files are
// kept unless --overwrite, and a file gets its final name only once
// verified. A local failure (disk full, name taken) ends that file and is
// told to the sender. Exits 0 when every file of the sender's manifest
// arrived verified.
#include <condition_variable>
#include <iostream>
#include <map>
#include <mutex>
#include <set>

#include "commands.hpp"
#include "interrupt.hpp"
#include "progress_display.hpp"
#include "terminal_text.hpp"
#include "transfer_control.hpp"

namespace rtcengine::cli {
namespace {

// What the receiver knows, shared with the engine thread's handlers.
struct Reception {
  std::mutex mutex;
  std::condition_variable changed;
  std::set<std::string> expected;  // the latest manifest
  bool manifest_seen = false;
  std::map<std::string, bool> final_results;    // name -> verified
  std::vector<std::weak_ptr<Readable>> active;  // weak: readables hold handlers that hold this
  std::string sender_interrupted;               // non-empty: why
  bool control_closed = false;

  bool all_resolved() const {
    if (!manifest_seen) return false;
    for (const auto& name : expected) {
      if (!final_results.count(name)) return false;
    }
    return true;
  }
};

std::string describe(std::exception_ptr error, bool& final) {
  final = true;
  try {
    if (error) std::rethrow_exception(error);
  } catch (const TransferStoppedError& stopped) {
    return stopped.what();
  } catch (const IntegrityError& corrupt) {
    return corrupt.what();
  } catch (const std::exception& other) {
    final = false;  // the connection went away: the sender tries again
    return other.what();
  }
  return "unknown failure";
}

void take(const ReadablePtr& readable, const std::filesystem::path& directory,
          const TransferFlags& flags, ProgressDisplay& display,
          const std::shared_ptr<Reception>& reception) {
  auto name = readable->name().value_or("");
  auto record = [reception, name](bool ok) {
    {
      std::lock_guard lock(reception->mutex);
      reception->final_results[name] = ok;
    }
    reception->changed.notify_all();
  };
  try {
    readable->save_under(directory, name, SaveOptions{.overwrite = flags.overwrite});
  } catch (const std::exception& error) {
    readable->stop(error.what());
    display.finish(name.empty() ? "(unnamed)" : name, readable->progress(), false, error.what());
    record(false);
    return;
  }
  {
    std::lock_guard lock(reception->mutex);
    reception->active.push_back(readable);
  }
  readable->on_progress(
      [&display, name](const TransferProgress& progress) { display.update(name, progress); });
  // Holding the readable here is fine: a transfer drops its handlers at its end.
  readable->on_state_change([&display, readable, name, record](TransferState state) {
    if (state == TransferState::done) {
      display.finish(name, readable->progress(), true, "");
      record(true);
    } else if (state == TransferState::failed) {
      bool final = true;
      auto text = describe(readable->error(), final);
      if (final) {
        display.finish(name, readable->progress(), false, text);
        record(false);
      } else {
        display.note("interrupted " + name + ": " + text + "; waiting for the sender to resume");
      }
    }
  });
}

}  // namespace

int run_receive(const GlobalOptions& options, const std::string& directory_text,
                const TransferFlags& flags) {
  std::filesystem::path directory(directory_text.empty() ? "." : directory_text);
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  auto quoted = "\"" + printable(directory.string()) + "\"";
  if (error) {
    std::cerr << "rtcengine receive: cannot create the folder " << quoted << ": " << error.message()
              << std::endl;
    return kExitUsage;
  }
  if (!std::filesystem::is_directory(directory)) {
    std::cerr << "rtcengine receive: " << quoted << " is not a folder" << std::endl;
    return kExitUsage;
  }
  ProgressDisplay display(ProgressDisplay::choose(flags.json));
  auto engine = make_engine(options);
  engine->on_error([&](const Error& problem) {
    if (options.verbose) display.note(std::string("warning: ") + problem.what());
  });
  auto reception = std::make_shared<Reception>();
  // On the engine's thread: nothing may escape from here.
  engine->on_readable([&, reception](ReadablePtr readable) {
    try {
      take(readable, directory, flags, display, reception);
    } catch (const std::exception& failure) {
      readable->stop(std::string("the receiver failed: ") + failure.what());
      display.note(std::string("rtcengine receive: ") + failure.what());
    }
  });
  display.note("waiting for the sender on " + options.signal);

  while (true) {
    auto control_future = engine->socket(kControlLabel);
    auto control = get_unless_interrupted(control_future);
    if (!control) return kExitInterrupted;
    if (auto path = describe_path(*engine); !path.empty()) display.note(path);
    {
      std::lock_guard lock(reception->mutex);
      reception->control_closed = false;
    }
    (*control)->on_event(kManifestEvent, [reception](const Json& payload) {
      std::lock_guard lock(reception->mutex);
      reception->manifest_seen = true;
      reception->expected.clear();
      if (payload.is_object() && payload.contains("files") && payload["files"].is_array()) {
        for (const auto& file : payload["files"]) {
          if (file.is_object() && file.contains("name") && file["name"].is_string()) {
            reception->expected.insert(file["name"].get<std::string>());
          }
        }
      }
      reception->changed.notify_all();
    });
    (*control)->on_event(kInterruptedEvent, [reception](const Json& payload) {
      std::lock_guard lock(reception->mutex);
      reception->sender_interrupted =
          payload.is_string() ? payload.get<std::string>() : "interrupted";
      reception->changed.notify_all();
    });
    (*control)->on_close([reception] {
      std::lock_guard lock(reception->mutex);
      reception->control_closed = true;
      reception->changed.notify_all();
    });

    std::unique_lock lock(reception->mutex);
    while (true) {
      reception->changed.wait_for(lock, std::chrono::milliseconds(100));
      if (interrupted()) {
        auto active = reception->active;
        lock.unlock();
        for (auto& weak : active) {
          if (auto readable = weak.lock()) readable->stop("the receiver was interrupted (Ctrl-C)");
        }
        try {
          (*control)->write_event(kInterruptedEvent, "the receiver was interrupted (Ctrl-C)");
          (*control)->close();
          // Best effort: the process exits either way.
          (void)(*control)->wait_closed(std::chrono::seconds(2));
        } catch (const Error&) {}
        display.note("interrupted");
        return kExitInterrupted;
      }
      if (!reception->sender_interrupted.empty()) {
        display.note("the sender stopped: " + reception->sender_interrupted);
        return kExitFailed;
      }
      if (reception->all_resolved()) {
        int failures = 0;
        for (const auto& [name, ok] : reception->final_results) failures += ok ? 0 : 1;
        lock.unlock();
        display.note("received " + std::to_string(reception->final_results.size() - failures) +
                     " of " + std::to_string(reception->final_results.size()) + " files");
        // Let the last confirmations reach the sender before closing.
        (*control)->close();
        (void)(*control)->wait_closed(std::chrono::seconds(2));  // bounded; the exit status stands
        return failures == 0 ? kExitOk : kExitFailed;
      }
      if (reception->control_closed) break;  // the sender went away; wait for it again
    }
  }
}

}  // namespace rtcengine::cli
