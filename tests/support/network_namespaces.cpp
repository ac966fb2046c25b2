#include "support/network_namespaces.hpp"

namespace rtcengine::test {

NamespacePair::NamespacePair() {
  names_[0] = lab_.add_namespace("a");
  names_[1] = lab_.add_namespace("b");
  if (lab_.available()) link_ = lab_.connect(names_[0], names_[1]);
}

}  // namespace rtcengine::test
