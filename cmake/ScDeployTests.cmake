# The tests of deploy/, docs/man/ and completion/: shell scripts under
# tests/deploy/, each printing "N passed, N failed" last. Label "deploy";
# the .deb test (a Release build and cpack, the slow one) also "deb", so
# `ctest -LE deb` leaves it out.
set(sc_deploy_bins "")
if(TARGET sc-apply)
  set(sc_deploy_bins "$<TARGET_FILE:sc-apply>")
  if(TARGET sc-sandboxd)
    list(APPEND sc_deploy_bins "$<TARGET_FILE:sc-sandboxd>")
  endif()
endif()

foreach(check docker k8s systemd ci ci_parity secrets docs schema run)
  add_test(NAME deploy_${check}
           COMMAND ${PROJECT_SOURCE_DIR}/tests/deploy/${check}.sh ${sc_deploy_bins})
  set_tests_properties(deploy_${check} PROPERTIES LABELS deploy TIMEOUT 120
                       ENVIRONMENT "SC_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endforeach()

add_test(NAME deploy_deb COMMAND ${PROJECT_SOURCE_DIR}/tests/deploy/deb.sh)
set_tests_properties(deploy_deb PROPERTIES LABELS "deploy;deb" TIMEOUT 600 RUN_SERIAL ON
                     ENVIRONMENT "SC_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
