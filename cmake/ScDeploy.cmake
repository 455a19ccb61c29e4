# What `cmake --install` puts beside the two programs, and the .deb:
#   share/man/man1/sc-apply.1.gz, sc-sandboxd.1.gz   (docs/man/, gzipped)
#   share/bash-completion/completions/sc-apply, sc-sandboxd (completion/)
#   SC_SYSTEMD_UNIT_DIR/sc-apply{,-agent}.service, sc-apply.timer
#                                                    (deploy/systemd/, not enabled)
#   /etc/sc-apply/env (mode 0600, a conffile)        (the env example)
#   share/doc/sc-apply/                              (README, examples, env example,
#                                                     copyright, changelog.gz,
#                                                     specs/sandbox.schema.json)
# `cpack -G DEB` in a build tree configured with -DCMAKE_INSTALL_PREFIX=/usr
# makes sc-apply_<version>_<arch>.deb.
include(GNUInstallDirs)

set(SC_DEPLOY_DIR ${PROJECT_SOURCE_DIR}/deploy)

# Man pages, gzipped as Debian wants them when gzip is there (-n: no name
# or time stamp inside, so the package is reproducible).
set(sc_man_pages sc-apply.1 sc-sandboxd.1)
find_program(SC_GZIP gzip)
foreach(page ${sc_man_pages})
  set(source ${PROJECT_SOURCE_DIR}/docs/man/${page})
  if(SC_GZIP)
    set(target ${CMAKE_BINARY_DIR}/man/${page}.gz)
    add_custom_command(OUTPUT ${target}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${SC_GZIP} -9 -n -c ${source} > ${target}
      DEPENDS ${source} VERBATIM)
    list(APPEND sc_man_outputs ${target})
  else()
    list(APPEND sc_man_outputs ${source})
  endif()
endforeach()
add_custom_target(sc_man_pages ALL DEPENDS ${sc_man_outputs})
install(FILES ${sc_man_outputs} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES ${PROJECT_SOURCE_DIR}/completion/sc-apply ${PROJECT_SOURCE_DIR}/completion/sc-sandboxd
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# Where the units go, relative to the prefix unless absolute: systemd reads
# /usr/lib/systemd/system on every distribution, usr-merged or not. A
# packager who wants systemd's own answer passes
# -DSC_SYSTEMD_UNIT_DIR=$(pkg-config --variable=systemdsystemunitdir systemd).
set(SC_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING "where the systemd units are installed")
# The systemd units name the program by its installed path.
foreach(unit sc-apply.service sc-apply.timer sc-apply-agent.service)
  file(READ ${SC_DEPLOY_DIR}/systemd/${unit} text)
  string(REPLACE "ExecStart=/usr/bin/sc-apply " "ExecStart=${CMAKE_INSTALL_FULL_BINDIR}/sc-apply "
         text "${text}")
  file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/systemd/${unit} CONTENT "${text}")
  install(FILES ${CMAKE_BINARY_DIR}/systemd/${unit} DESTINATION ${SC_SYSTEMD_UNIT_DIR})
endforeach()

# The units' environment file, where the ${VARS} the specs use may hold
# secrets: root's alone (systemd reads it before it drops to the dynamic
# user), a conffile that an upgrade never overwrites.
install(FILES ${SC_DEPLOY_DIR}/systemd/sc-apply.env.example
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/sc-apply RENAME env
        PERMISSIONS OWNER_READ OWNER_WRITE)
install(FILES ${SC_DEPLOY_DIR}/debian/lintian-overrides
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME sc-apply)
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/debian/conffiles
     CONTENT "${CMAKE_INSTALL_FULL_SYSCONFDIR}/sc-apply/env\n")

install(FILES ${PROJECT_SOURCE_DIR}/README.md ${SC_DEPLOY_DIR}/systemd/sc-apply.env.example
              ${SC_DEPLOY_DIR}/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Debian's changelog.gz (a native package's), gzipped as the man pages are.
if(SC_GZIP)
  set(sc_changelog ${CMAKE_BINARY_DIR}/debian/changelog.gz)
  add_custom_command(OUTPUT ${sc_changelog}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/debian
    COMMAND ${SC_GZIP} -9 -n -c ${SC_DEPLOY_DIR}/debian/changelog > ${sc_changelog}
    DEPENDS ${SC_DEPLOY_DIR}/debian/changelog VERBATIM)
  add_custom_target(sc_changelog ALL DEPENDS ${sc_changelog})
  install(FILES ${sc_changelog} DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
        FILES_MATCHING PATTERN "*.yaml")
# Beside the examples, where their "$schema=../specs/sandbox.schema.json" line points.
install(FILES ${PROJECT_SOURCE_DIR}/specs/sandbox.schema.json
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/specs)

# The .deb. The paths inside it are the configured prefix's: configure with
# -DCMAKE_INSTALL_PREFIX=/usr for a package that follows Debian policy.
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "sc-apply: CMAKE_INSTALL_PREFIX is ${CMAKE_INSTALL_PREFIX}; "
                 "a .deb wants -DCMAKE_INSTALL_PREFIX=/usr")
endif()
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sc-apply)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "sc-apply")
set(CPACK_PACKAGE_CONTACT "sc-apply maintainers <sc-apply@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "keep SeaCloud sandboxes exactly as YAML specs declare them")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/example/sc-apply")
# The extended description; CPack puts the summary above it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "sc-apply reads YAML specs of SeaCloud sandboxes (template, TTL, environment,
network rules, volume mounts, replicas, running or paused) and creates,
resumes, pauses, renews, replaces or deletes sandboxes until the service
matches them. It keeps no state file: its only memory is the labels it puts
on the sandboxes it owns. It runs by hand, from CI, from a systemd timer, or
as an agent with Prometheus metrics.
.
sc-sandboxd is a local SeaCloud-compatible control plane, to try sc-apply
and test sandbox specs with no account, with fault injection.")
# Debian 12's runtime libraries of the build's pkg-config modules.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6 (>= 2.34), libcurl4 (>= 7.88), libyaml-0-2 (>= 0.2.5), libcyaml1 (>= 1.3), libcjson1 (>= 1.7.15), libmicrohttpd12 (>= 0.9.75)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/debian/conffiles)
include(CPack)
