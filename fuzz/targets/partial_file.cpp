// The resume sidecar (.NAME.rtcengine-part.json) is a file in the receive
// folder: anyone who can write there chooses its bytes, and may put a link
// where the part file goes. Rules: a part file is resumed only when the
// sidecar names this transfer, never from beyond the announced size or the
// part file's end, never through a symlink or a hard link (the file it
// points to is left as it was), and what is appended lands right after the
// resumed bytes, in a plain file at the part name.
//
// Input: the sidecar's bytes. Its length modulo 9 picks the announced size
// (modulo 3: none, 5, 100) and what sits at the part name (divided by 3: a
// part file, a symlink to another file, a hard link to it).
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "rtcengine/errors.hpp"
#include "support/check.hpp"
#include "support/temp_folder.hpp"
#include "transaction/partial_file.hpp"
#include "transaction/save_target.hpp"

namespace rtcengine::fuzz {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTransferId = "fuzz-transfer";
constexpr std::string_view kLeftover = "0123456789";

bool names_this_transfer(std::string_view sidecar) {
  auto json = nlohmann::json::parse(sidecar, nullptr, false);
  return json.is_object() && json.contains("id") && json["id"] == kTransferId;
}

std::string file_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

enum class AtPartName { part_file, symlink, hard_link };

}  // namespace

void partial_file(Input input) {
  static TempFolder folder("partial-file");
  folder.empty();
  auto final_path = folder.path() / "file";
  auto part = folder.path() / detail::PartialFile::part_name_for("file");
  auto other = folder.path() / "other";
  const std::optional<std::uint64_t> sizes[] = {std::nullopt, 5, 100};
  auto size = sizes[input.size() % 3];
  auto at_part_name = static_cast<AtPartName>(input.size() % 9 / 3);
  switch (at_part_name) {
    case AtPartName::part_file: std::ofstream(part, std::ios::binary) << kLeftover; break;
    case AtPartName::symlink:
      std::ofstream(other, std::ios::binary) << kLeftover;
      fs::create_symlink(other.filename(), part);
      break;
    case AtPartName::hard_link:
      std::ofstream(other, std::ios::binary) << kLeftover;
      fs::create_hard_link(other, part);
      break;
  }
  std::ofstream(part.string() + ".json", std::ios::binary) << as_text(input);

  try {
    detail::PartialFile file(detail::SaveTarget::at(final_path), std::string(kTransferId), size,
                             false);
    auto offset = file.resume_offset();
    note("resumed at " + std::to_string(offset));
    if (offset > 0) {
      require(names_this_transfer(as_text(input)), "resumed from a sidecar of another transfer");
      require(at_part_name == AtPartName::part_file, "resumed through a link at the part name");
    }
    require(offset <= kLeftover.size() && (!size || offset <= *size),
            "resumed beyond the part file or the announced size");
    const std::uint8_t more[] = {'x', 'y'};
    file.append(more, sizeof more);
    file.keep();
    require(fs::is_regular_file(fs::symlink_status(part)) && fs::hard_link_count(part) == 1,
            "the part file is not a plain file of its own");
    require(fs::file_size(part) == offset + sizeof more,
            "appended bytes are not after the resumed ones");
    file.discard();
  } catch (const Error&) {
    // Refusing a file (cannot write it) is an API error, not a crash.
  }
  if (at_part_name != AtPartName::part_file) {
    require(file_text(other) == kLeftover, "wrote through a link planted at the part name");
  }
  require(!fs::exists(fs::symlink_status(final_path)),
          "a file appeared under its final name without a commit");
}

}  // namespace rtcengine::fuzz
