// A throwaway self-signed certificate for wss:// tests, made by the openssl
// tool, valid for the given IP addresses.
#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace rtcengine::test {

struct TestCertificate {
  TempDir dir;
  std::string cert = (dir / "cert.pem").string();
  std::string key = (dir / "key.pem").string();

  explicit TestCertificate(const std::vector<std::string>& addresses = {"127.0.0.1"}) {
    std::string names;
    for (const auto& address : addresses) names += (names.empty() ? "IP:" : ",IP:") + address;
    std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=" + addresses.front() +
        " -addext subjectAltName=" + names + " -keyout '" + key + "' -out '" + cert +
        "' >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0)
      throw std::runtime_error("openssl could not make a certificate");
  }
};

}  // namespace rtcengine::test
