// A small private network for one test: namespaces joined by veth pairs,
// each pair on its own /24 from a test-only range. Nothing is routed
// between links, so two namespaces talk only if a veth joins them; the
// namespaces (and every address in them) vanish with the lab.
#pragma once

#include <string>
#include <vector>

namespace rtcengine::test {

struct VethLink {
  std::string first_interface, second_interface;
  std::string first_address, second_address;  // without the /24
};

class NetworkLab {
 public:
  NetworkLab();
  ~NetworkLab();  // deletes every namespace it made
  NetworkLab(const NetworkLab&) = delete;
  NetworkLab& operator=(const NetworkLab&) = delete;

  // False where namespaces cannot be made (not root): tests skip then.
  bool available() const { return available_; }

  // A new namespace with loopback up; returns its name ("" on failure).
  std::string add_namespace(const std::string& role);
  // Joins two namespaces with a veth pair on a fresh /24, both ends up.
  VethLink connect(const std::string& first, const std::string& second);
  // Takes one end of a link down or up (packets are dropped meanwhile).
  void set_link(const std::string& name, const std::string& interface_name, bool up) const;

  // argv to run inside a namespace: "ip netns exec NAME argv...".
  static std::vector<std::string> inside(const std::string& name, std::vector<std::string> argv);

 private:
  bool available_ = true;
  std::string tag_;
  std::vector<std::string> namespaces_;
  int links_ = 0;
};

}  // namespace rtcengine::test
