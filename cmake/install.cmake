# `cmake --install` puts the library, headers and a package config in place,
# so other projects can `find_package(rtcengine)`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS rtcengine EXPORT rtcengineTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/rtcengine
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT rtcengineTargets NAMESPACE rtcengine::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rtcengine)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/rtcengineConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/rtcengineConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rtcengine)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/rtcengineConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/rtcengineConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/rtcengineConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rtcengine)
