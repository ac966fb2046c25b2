// "Two namespaces joined by veth": two private network stacks, each with one
// end of a veth pair, so peer traffic can be cut and restored with
// `ip link set down/up` and never leaves them. A NetworkLab of two.
#pragma once

#include <string>
#include <vector>

#include "support/network_lab.hpp"

namespace rtcengine::test {

class NamespacePair {
 public:
  // Skips (returns available() == false) where namespaces can't be made.
  NamespacePair();

  bool available() const { return lab_.available(); }
  const std::string& first() const { return names_[0]; }
  const std::string& second() const { return names_[1]; }
  // Interface names inside each namespace.
  const std::string& first_interface() const { return link_.first_interface; }
  const std::string& second_interface() const { return link_.second_interface; }

  // Runs argv inside a namespace: "ip netns exec NAME argv...".
  std::vector<std::string> inside(const std::string& name, std::vector<std::string> argv) const {
    return NetworkLab::inside(name, std::move(argv));
  }
  // Takes the link down or up (at the first namespace's end).
  void set_link(bool up) const { lab_.set_link(names_[0], link_.first_interface, up); }

 private:
  NetworkLab lab_;
  std::string names_[2];
  VethLink link_;
};

}  // namespace rtcengine::test
