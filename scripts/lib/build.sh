# shellcheck shell=bash
# Configures and builds the project with CMake (the stack's build and the
# tests' sanitizer build go through the same function).
#
# Needs log.sh and paths.sh.

# Parallel jobs: the machines have 2 cores.
BUILD_JOBS=${PMS_BUILD_JOBS:-$(nproc)}

# Configures BUILD_DIR once (an existing cache is reused: CMake re-runs itself
# when a CMakeLists.txt changes, and is re-run here before a named target), then builds the given targets, or all of them.
# These builds treat warnings as errors (PMS_WERROR; a user's own cmake build
# does not, so that a newer compiler's new warning cannot break it).
# Usage: build_project BUILD_DIR [CMAKE_CONFIGURE_ARGS...] [-- TARGET...]
build_project() {
    local dir=$1
    local -a configure=() targets=()
    shift
    while (($# > 0)); do
        if [[ "$1" == -- ]]; then
            shift
            targets=(--target "$@")
            break
        fi
        configure+=("$1")
        shift
    done
    [[ -f "$PMS_REPO_DIR/CMakeLists.txt" ]] || die "no CMakeLists.txt in $PMS_REPO_DIR"
    if [[ ! -f "$dir/CMakeCache.txt" ]]; then
        log_info "configuring $dir"
        cmake -S "$PMS_REPO_DIR" -B "$dir" -DPMS_WERROR=ON "${configure[@]}" ||
            die "cmake configure failed ($dir)"
    elif ((${#targets[@]} > 0)); then
        # make checks the build system only when building all: a target added since the last
        # configure (after a git pull) would be "no rule to make target" without this.
        cmake -S "$PMS_REPO_DIR" -B "$dir" >/dev/null || die "cmake configure failed ($dir)"
    fi
    log_info "building $dir${targets[*]:+ (${targets[*]:1})}"
    cmake --build "$dir" -j "$BUILD_JOBS" "${targets[@]}" || die "build failed ($dir)"
}
