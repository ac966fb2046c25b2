// "Two namespaces joined by veth": two private network stacks, each with one
// end of a veth pair and an address from a test-only subnet, so peer traffic
// can be cut and restored with `ip link set down/up` and never leaves them.
#pragma once

#include <string>
#include <vector>

namespace rtcengine::test {

class NamespacePair {
 public:
  // Skips (returns available() == false) where namespaces can't be made.
  NamespacePair();
  ~NamespacePair();
  NamespacePair(const NamespacePair&) = delete;
  NamespacePair& operator=(const NamespacePair&) = delete;

  bool available() const { return available_; }
  const std::string& first() const { return names_[0]; }
  const std::string& second() const { return names_[1]; }
  // Interface names inside each namespace.
  const std::string& first_interface() const { return interfaces_[0]; }
  const std::string& second_interface() const { return interfaces_[1]; }

  // Runs argv inside a namespace: "ip netns exec NAME argv...".
  std::vector<std::string> inside(const std::string& name, std::vector<std::string> argv) const;
  void set_link(bool up) const;

 private:
  bool available_ = false;
  std::string names_[2];
  std::string interfaces_[2];
};

}  // namespace rtcengine::test
