# The Debian package, built by CPack: `cpack -G DEB` in a build configured with
# -DCMAKE_INSTALL_PREFIX=/usr gives pms_<version>_amd64.deb holding everything Install.cmake
# installs, with its Depends: computed from the binaries (dpkg-shlibdeps).
set(PMS_PACKAGE_MAINTAINER "pms maintainers <root@localhost>" CACHE STRING
    "Maintainer: field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pms)
set(CPACK_PACKAGE_VERSION ${PMS_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY ${PROJECT_DESCRIPTION})
set(CPACK_PACKAGE_DESCRIPTION
    "pms-api (FastCGI behind nginx), pms-bridge (outbox to RabbitMQ) and pms-worker (image
resizing to S3), their PostgreSQL schema with its migration command, systemd units and
the nginx server configuration.")
set(CPACK_PACKAGE_CONTACT ${PMS_PACKAGE_MAINTAINER})
# Install.cmake's destinations are absolute and rendered into the units: package the same
# prefix.
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
# Debug information stays in the build tree; the package is a third of the size.
set(CPACK_STRIP_FILES ON)

# pms_<version>_<arch>.deb, e.g. pms_0.1.0+git415.38006da1_amd64.deb
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The shared libraries the binaries link (libfcgi0ldbl, libpqxx-6.4, libhiredis0.14,
# librabbitmq4, libgd3, libcurl4, libssl3, libjsoncpp25, liblog4cplus-2.0.5, ...) with the
# versions their symbols need, as dpkg-shlibdeps finds them; plus what the scripts run:
# psql for db/migrate, useradd for postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "postgresql-client, passwd")
# The shipped server file is for nginx on the same host (unix socket); the services may run
# anywhere.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS nginx)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql, redis-server, rabbitmq-server")

foreach(script IN ITEMS postinst prerm postrm conffiles)
    configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/${script}.in
                   ${PROJECT_BINARY_DIR}/debian/${script} @ONLY)
    list(APPEND CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/debian/${script})
endforeach()
# Maintainer scripts 0755, control files 0644, as dpkg expects, whatever the umask.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
