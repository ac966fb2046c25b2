// One private folder per fuzzing process, emptied before each input, for
// targets that touch files.
#pragma once

#include <filesystem>
#include <string>

#include <stdlib.h>

#include "support/check.hpp"

namespace rtcengine::fuzz {

class TempFolder {
 public:
  explicit TempFolder(const std::string& name) {
    auto pattern =
        (std::filesystem::temp_directory_path() / ("rtcengine-fuzz-" + name + "-XXXXXX")).string();
    require(::mkdtemp(pattern.data()) != nullptr, "cannot create a temporary folder");
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  void empty() const {
    for (const auto& entry : std::filesystem::directory_iterator(path_)) {
      std::filesystem::remove_all(entry.path());
    }
  }

 private:
  std::filesystem::path path_;
};

}  // namespace rtcengine::fuzz
