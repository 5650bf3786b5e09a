# install() rules: `cmake --install` (and the Debian package, see Package.cmake) puts
#   the programs                  <prefix>/sbin/pms-api, pms-bridge, pms-worker
#   the database and its command  <prefix>/share/pms/db/ (migrate, migrations/, functions/, triggers/)
#   the systemd units             PMS_SYSTEMD_UNIT_DIR (/lib/systemd/system for the prefix /usr)
#   the nginx server file         <sysconf>/nginx/sites-available/pms.conf
#   what nginx serves itself      <prefix>/share/pms/web/ (the OpenAPI document, the reference
#                                 page and Redoc's bundle with its licence)
#   the example settings          <sysconf>/pms/{api,bridge,worker,migrate}.env.example
#   the README                    <prefix>/share/doc/pms/
# where <sysconf> is /etc for the prefixes /usr and / (GNUInstallDirs), else <prefix>/etc.
#
# The units and the nginx file name these paths, so they are rendered here, at configure
# time, for CMAKE_INSTALL_PREFIX; every destination is absolute for the same reason (the
# files land where the units say they are; DESTDIR stages them anywhere). Choose the prefix
# when configuring (-DCMAKE_INSTALL_PREFIX=/usr for a system install or the package), not
# with `cmake --install --prefix`.
include(GNUInstallDirs)

if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    # Where this system's systemd looks for packaged units (Debian 12: /lib/systemd/system).
    pkg_get_variable(PMS_SYSTEMD_DEFAULT_UNIT_DIR systemd systemdsystemunitdir)
    if(NOT PMS_SYSTEMD_DEFAULT_UNIT_DIR)
        set(PMS_SYSTEMD_DEFAULT_UNIT_DIR /lib/systemd/system)
    endif()
else()
    # systemd also reads /usr/local/lib/systemd/system; other prefixes are staged installs.
    set(PMS_SYSTEMD_DEFAULT_UNIT_DIR ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()
set(PMS_SYSTEMD_UNIT_DIR ${PMS_SYSTEMD_DEFAULT_UNIT_DIR} CACHE PATH
    "Folder the systemd units are installed into")
set(PMS_NGINX_LISTEN 80 CACHE STRING
    "What the installed nginx server file listens on (nginx's listen: port or address:port)")

# The placeholders of systemd/*.in and nginx/pms.conf.in.
set(PMS_SBINDIR ${CMAKE_INSTALL_FULL_SBINDIR})
set(PMS_SYSCONFDIR ${CMAKE_INSTALL_FULL_SYSCONFDIR})
set(PMS_DATADIR ${CMAKE_INSTALL_FULL_DATADIR}/pms)
set(PMS_DOCDIR ${CMAKE_INSTALL_FULL_DOCDIR})
# pms-api.socket listens here and nginx connects here (PMS_API_LISTEN's default too).
set(PMS_API_SOCKET /run/pms/api.sock)
set(PMS_HTTP_LISTEN ${PMS_NGINX_LISTEN})
# Debian's nginx logs there, and its logrotate rule rotates every *.log in it.
set(PMS_NGINX_LOG_DIR /var/log/nginx)
set(PMS_WEB_DIR ${PMS_DATADIR}/web)
# Redoc renders the reference page at /docs; scripts/lib/deps.sh installs the pinned version
# from npm into .tools/.
set(PMS_REDOC_BUNDLE ${PROJECT_SOURCE_DIR}/.tools/node_modules/redoc/bundles/redoc.standalone.js
    CACHE FILEPATH "Redoc's standalone bundle, served by nginx for the page at /docs")

install(TARGETS pms-api pms-bridge pms-worker RUNTIME DESTINATION ${PMS_SBINDIR})

# db/migrate finds its SQL next to itself; tests/ and the README stay in the repository.
install(PROGRAMS ${PROJECT_SOURCE_DIR}/db/migrate DESTINATION ${PMS_DATADIR}/db)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/db/migrations ${PROJECT_SOURCE_DIR}/db/functions
                  ${PROJECT_SOURCE_DIR}/db/triggers
        DESTINATION ${PMS_DATADIR}/db
        FILES_MATCHING PATTERN "*.sql")

set(PMS_UNIT_TEMPLATES pms-api.socket pms-api.service pms-bridge.service pms-worker@.service
                       pms-migrate.service)
foreach(unit IN LISTS PMS_UNIT_TEMPLATES)
    configure_file(${PROJECT_SOURCE_DIR}/systemd/${unit}.in ${PROJECT_BINARY_DIR}/systemd/${unit}
                   @ONLY)
    install(FILES ${PROJECT_BINARY_DIR}/systemd/${unit} DESTINATION ${PMS_SYSTEMD_UNIT_DIR})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/systemd/pms.target DESTINATION ${PMS_SYSTEMD_UNIT_DIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/systemd/pms-.service.d DESTINATION ${PMS_SYSTEMD_UNIT_DIR})

configure_file(${PROJECT_SOURCE_DIR}/nginx/pms.conf.in ${PROJECT_BINARY_DIR}/nginx/pms.conf @ONLY)
# Available, not enabled: the operator picks the listen address first (README, "Deploy on a
# host").
install(FILES ${PROJECT_BINARY_DIR}/nginx/pms.conf
        DESTINATION ${PMS_SYSCONFDIR}/nginx/sites-available)

install(FILES ${PROJECT_SOURCE_DIR}/docs/openapi.yaml ${PROJECT_SOURCE_DIR}/docs/reference.html
        DESTINATION ${PMS_WEB_DIR})
if(EXISTS ${PMS_REDOC_BUNDLE})
    install(FILES ${PMS_REDOC_BUNDLE} ${PMS_REDOC_BUNDLE}.LICENSE.txt DESTINATION ${PMS_WEB_DIR})
else()
    # A build for development needs no page; an install without it serves /docs blank.
    message(WARNING "No Redoc bundle at ${PMS_REDOC_BUNDLE} (PMS_REDOC_BUNDLE): the install "
                    "will not render /docs. scripts/stack up installs it.")
endif()

install(FILES ${PROJECT_SOURCE_DIR}/systemd/api.env.example
              ${PROJECT_SOURCE_DIR}/systemd/bridge.env.example
              ${PROJECT_SOURCE_DIR}/systemd/worker.env.example
              ${PROJECT_SOURCE_DIR}/systemd/migrate.env.example
        DESTINATION ${PMS_SYSCONFDIR}/pms)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${PMS_DOCDIR})
