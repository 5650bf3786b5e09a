# shellcheck shell=bash
# The project's own programs in a local stack: the database migration, then
# pms-api, pms-bridge and pms-worker from PMS_BUILD_DIR with pms.env loaded.
#
# Needs log.sh, paths.sh (paths_init done), proc.sh.

PROGRAMS=(pms-api pms-bridge pms-worker)

PROGRAMS_HEALTH_TIMEOUT=${PMS_STACK_HEALTH_TIMEOUT:-60}

program_pidfile() { printf '%s\n' "$STACK_RUN_DIR/$1.pid"; }
program_log() { printf '%s\n' "$STACK_LOG_DIR/$1.log"; }

# Prints the path of a binary in PMS_BUILD_DIR; fails when absent. Looks in
# bin/ (CMAKE_RUNTIME_OUTPUT_DIRECTORY) first, then anywhere in the build
# tree, so a change of the CMake layout does not break the stack.
program_binary() {
    local name=$1 path=$PMS_BUILD_DIR/bin/$1
    if [[ ! -x "$path" ]]; then
        [[ -d "$PMS_BUILD_DIR" ]] || return 1
        path=$(find "$PMS_BUILD_DIR" -path '*/CMakeFiles' -prune -o -type f -name "$name" -perm -u+x -print -quit)
    fi
    [[ -n "$path" && -x "$path" ]] && printf '%s\n' "$path"
}

# Applies the database with db/migrate (its own engineer's command: it reads
# PMS_DATABASE_URL and is idempotent, so it runs at every `up`).
programs_migrate() {
    local migrate=$PMS_REPO_DIR/db/migrate
    if [[ ! -e "$migrate" ]]; then
        [[ "${PMS_STACK_SERVICES_ONLY:-0}" == 1 ]] || die "$migrate is missing"
        log_warn "no db/migrate yet: database not migrated (PMS_STACK_SERVICES_ONLY=1)"
        return 0
    fi
    [[ -x "$migrate" ]] || die "$migrate is not executable"
    log_info "applying the database (db/migrate)"
    PMS_DATABASE_URL=$STACK_DATABASE_URL "$migrate" >>"$STACK_LOG_DIR/migrate.log" 2>&1 || {
        log_tail "$STACK_LOG_DIR/migrate.log"
        die "db/migrate failed"
    }
    # Its closing line says what it did.
    log_info "$(tail -n 1 "$STACK_LOG_DIR/migrate.log")"
}

# Starts one program in the background with pms.env loaded and the sanitizer
# settings of a test build (harmless for a normal build): leak checks are off
# because daemons stopped by a signal report their live memory as leaks;
# reports go to files in the logs folder, which scripts/test checks. Settings
# given as PMS_NAME=value after the binary override pms.env for this start.
program_start() {
    local name=$1 binary=$2 setting
    shift 2
    (
        set -a
        # shellcheck source=/dev/null # written by paths_env_write
        source "$STACK_ENV_FILE"
        set +a
        for setting in "$@"; do
            [[ "$setting" =~ ^PMS_[A-Z0-9_]+= ]] || die "not a setting: $setting (PMS_NAME=value)"
            export "${setting?}"
        done
        export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:log_path=$STACK_LOG_DIR/asan
        export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=0:log_path=$STACK_LOG_DIR/ubsan
        proc_spawn "$(program_pidfile "$name")" "$(program_log "$name")" "$binary"
    )
}

# Starts every program that is not running. A missing binary is an error,
# unless PMS_STACK_SERVICES_ONLY=1 (the C++ programs do not exist yet).
programs_up() {
    local name
    for name in "${PROGRAMS[@]}"; do
        program_up "$name"
    done
}

# Dies, showing its log, when a started program has exited.
programs_check_alive() {
    local name
    for name in "${PROGRAMS[@]}"; do
        [[ -e "$(program_pidfile "$name")" ]] || continue
        proc_alive "$(program_pidfile "$name")" && continue
        log_tail "$(program_log "$name")"
        die "$name exited"
    done
}

# Succeeds when GET /health through nginx answers 200.
programs_healthy() {
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$STACK_API_URL/health")" == 200 ]]
}

# Waits (bounded) until /health answers 200; dies early when a program exits.
programs_wait_healthy() {
    local deadline=$((SECONDS + PROGRAMS_HEALTH_TIMEOUT))
    log_info "waiting for $STACK_API_URL/health"
    until programs_healthy; do
        programs_check_alive
        if ((SECONDS >= deadline)); then
            log_tail "$(program_log pms-api)" "$STACK_LOG_DIR/pms-error.log"
            curl -s --max-time 5 "$STACK_API_URL/health" >&2 || true
            die "$STACK_API_URL/health did not answer 200 within ${PROGRAMS_HEALTH_TIMEOUT}s"
        fi
        sleep 0.5
    done
}

# Starts one program (which must be one of PROGRAMS) unless it runs already.
program_up() {
    local name=$1 binary pidfile
    shift
    pidfile=$(program_pidfile "$name")
    if proc_alive "$pidfile"; then
        log_info "$name already running"
        return 0
    fi
    rm -f "$pidfile"
    if ! binary=$(program_binary "$name"); then
        [[ "${PMS_STACK_SERVICES_ONLY:-0}" == 1 ]] || die "no $name binary in $PMS_BUILD_DIR"
        log_warn "no $name binary in $PMS_BUILD_DIR: not started (PMS_STACK_SERVICES_ONLY=1)"
        return 0
    fi
    # A socket left by a killed pms-api would make its bind fail.
    [[ "$name" != pms-api ]] || rm -f "$STACK_API_SOCKET"
    log_info "starting $name ($binary)"
    program_start "$name" "$binary" "$@"
}

programs_down() {
    local i
    for ((i = ${#PROGRAMS[@]} - 1; i >= 0; i--)); do
        proc_stop "${PROGRAMS[i]}" "$(program_pidfile "${PROGRAMS[i]}")"
    done
}

programs_status() {
    local name status=0
    for name in "${PROGRAMS[@]}"; do
        proc_status_line "$name" "$(program_pidfile "$name")" || status=1
    done
    return "$status"
}
