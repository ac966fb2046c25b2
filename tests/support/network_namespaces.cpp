#include "support/network_namespaces.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace rtcengine::test {
namespace {

bool run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

}  // namespace

NamespacePair::NamespacePair() {
  std::string tag = std::to_string(getpid() % 100000);
  names_[0] = "rtce" + tag + "a";
  names_[1] = "rtce" + tag + "b";
  interfaces_[0] = "ve" + tag + "a";
  interfaces_[1] = "ve" + tag + "b";
  // 10.231.x.0/24 is private to these two namespaces; nothing routes there.
  std::string subnet = "10.231." + std::to_string(getpid() % 250) + ".";
  available_ = run("ip netns add " + names_[0]) && run("ip netns add " + names_[1]) &&
               run("ip link add " + interfaces_[0] + " netns " + names_[0] + " type veth peer name " +
                   interfaces_[1] + " netns " + names_[1]) &&
               run("ip -n " + names_[0] + " addr add " + subnet + "1/24 dev " + interfaces_[0]) &&
               run("ip -n " + names_[1] + " addr add " + subnet + "2/24 dev " + interfaces_[1]) &&
               run("ip -n " + names_[0] + " link set lo up") &&
               run("ip -n " + names_[1] + " link set lo up") &&
               run("ip -n " + names_[0] + " link set " + interfaces_[0] + " up") &&
               run("ip -n " + names_[1] + " link set " + interfaces_[1] + " up");
}

NamespacePair::~NamespacePair() {
  run("ip netns del " + names_[0]);
  run("ip netns del " + names_[1]);
}

std::vector<std::string> NamespacePair::inside(const std::string& name,
                                               std::vector<std::string> argv) const {
  std::vector<std::string> full = {"ip", "netns", "exec", name};
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

void NamespacePair::set_link(bool up) const {
  run("ip -n " + names_[0] + " link set " + interfaces_[0] + (up ? " up" : " down"));
}

}  // namespace rtcengine::test
