# The version the programs print (--version) and the package carries.
# A build from a git checkout is a snapshot of the version to come,
# <version>+git<commits>.<hash>: dpkg orders snapshots by their commit count, so each commit's
# package upgrades the one before (scripts/test system installs one over the other). CMake
# configures again when HEAD moves (its reflog changes).
set(PMS_VERSION ${PROJECT_VERSION})
find_package(Git QUIET)
if(GIT_FOUND)
    execute_process(COMMAND ${GIT_EXECUTABLE} rev-list --count HEAD
                    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} RESULT_VARIABLE pms_git_count_result
                    OUTPUT_VARIABLE pms_git_count OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=8 HEAD
                    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} RESULT_VARIABLE pms_git_hash_result
                    OUTPUT_VARIABLE pms_git_hash OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --path-format=absolute --git-path logs/HEAD
                    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE pms_git_reflog
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(pms_git_count_result EQUAL 0 AND pms_git_hash_result EQUAL 0)
        set(PMS_VERSION "${PROJECT_VERSION}+git${pms_git_count}.${pms_git_hash}")
    endif()
    if(pms_git_reflog AND EXISTS ${pms_git_reflog})
        set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                     ${pms_git_reflog})
    endif()
endif()
