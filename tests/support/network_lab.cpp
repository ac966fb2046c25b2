#include "support/network_lab.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace rtcengine::test {
namespace {

bool run(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

// Labs of one process get different tags; names stay under IFNAMSIZ.
std::string next_tag() {
  static std::atomic<int> labs{0};
  return std::to_string(getpid() % 100000) + "x" + std::to_string(labs++ % 100);
}

}  // namespace

NetworkLab::NetworkLab() : tag_(next_tag()) {}

NetworkLab::~NetworkLab() {
  for (const auto& name : namespaces_) run("ip netns del " + name);
}

std::string NetworkLab::add_namespace(const std::string& role) {
  std::string name = "rtl" + tag_ + role;
  if (!run("ip netns add " + name)) {
    available_ = false;
    return "";
  }
  namespaces_.push_back(name);
  available_ = available_ && run("ip -n " + name + " link set lo up");
  return name;
}

VethLink NetworkLab::connect(const std::string& first, const std::string& second) {
  int index = links_++;
  VethLink link;
  link.first_interface = "vl" + tag_ + "_" + std::to_string(index) + "a";
  link.second_interface = "vl" + tag_ + "_" + std::to_string(index) + "b";
  // 10.240.0.0/12 is private to the lab's namespaces; addresses may repeat
  // across labs because no two labs share a namespace.
  std::string subnet =
      "10." + std::to_string(240 + index) + "." + std::to_string(getpid() % 250) + ".";
  link.first_address = subnet + "1";
  link.second_address = subnet + "2";
  available_ = available_ &&
               run("ip link add " + link.first_interface + " netns " + first +
                   " type veth peer name " + link.second_interface + " netns " + second) &&
               run("ip -n " + first + " addr add " + link.first_address + "/24 dev " +
                   link.first_interface) &&
               run("ip -n " + second + " addr add " + link.second_address + "/24 dev " +
                   link.second_interface) &&
               run("ip -n " + first + " link set " + link.first_interface + " up") &&
               run("ip -n " + second + " link set " + link.second_interface + " up");
  return link;
}

void NetworkLab::set_link(const std::string& name, const std::string& interface_name,
                          bool up) const {
  run("ip -n " + name + " link set " + interface_name + (up ? " up" : " down"));
}

std::vector<std::string> NetworkLab::inside(const std::string& name,
                                            std::vector<std::string> argv) {
  std::vector<std::string> full = {"ip", "netns", "exec", name};
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

}  // namespace rtcengine::test
