// The resume sidecar (.NAME.rtcengine-part.json) is a file in the receive
// folder: anyone who can write there chooses its bytes. Rules: a part file
// is resumed only when the sidecar names this transfer, never from beyond
// the announced size or the part file's end, and what is appended lands
// right after the resumed bytes.
//
// Input: the sidecar's bytes. Its length picks the announced size.
#include <fstream>

#include <nlohmann/json.hpp>

#include "rtcengine/errors.hpp"
#include "support/check.hpp"
#include "support/temp_folder.hpp"
#include "transaction/partial_file.hpp"

namespace rtcengine::fuzz {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTransferId = "fuzz-transfer";
constexpr std::string_view kLeftover = "0123456789";

bool names_this_transfer(std::string_view sidecar) {
  auto json = nlohmann::json::parse(sidecar, nullptr, false);
  return json.is_object() && json.contains("id") && json["id"] == kTransferId;
}

}  // namespace

void partial_file(Input input) {
  static TempFolder folder("partial-file");
  folder.empty();
  auto final_path = folder.path() / "file";
  auto part = detail::PartialFile::part_path_for(final_path);
  std::ofstream(part, std::ios::binary) << kLeftover;
  std::ofstream(part.string() + ".json", std::ios::binary) << as_text(input);
  const std::optional<std::uint64_t> sizes[] = {std::nullopt, 5, 100};
  auto size = sizes[input.size() % 3];

  try {
    detail::PartialFile file(final_path, std::string(kTransferId), size, false);
    auto offset = file.resume_offset();
    if (offset > 0) {
      require(names_this_transfer(as_text(input)), "resumed from a sidecar of another transfer");
    }
    require(offset <= kLeftover.size() && (!size || offset <= *size),
            "resumed beyond the part file or the announced size");
    const std::uint8_t more[] = {'x', 'y'};
    file.append(more, sizeof more);
    file.keep();
    require(fs::file_size(part) == offset + sizeof more,
            "appended bytes are not after the resumed ones");
    file.discard();
  } catch (const Error&) {
    // Refusing a file (cannot write it) is an API error, not a crash.
  }
  require(!fs::exists(final_path), "a file appeared under its final name without a commit");
}

}  // namespace rtcengine::fuzz
