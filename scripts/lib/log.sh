# shellcheck shell=bash
# Messages for the stack and test scripts: one prefix, errors on stderr.

# Prints a progress line, `stack: message`, on stderr: stdout is kept for
# results (the API's URL from `up`, the settings from `env`).
log_info() {
    printf '%s: %s\n' "${PMS_LOG_PREFIX:-stack}" "$*" >&2
}

# Prints a warning on stderr.
log_warn() {
    printf '%s: warning: %s\n' "${PMS_LOG_PREFIX:-stack}" "$*" >&2
}

# Prints an error on stderr and exits non-zero.
die() {
    printf '%s: error: %s\n' "${PMS_LOG_PREFIX:-stack}" "$*" >&2
    exit 1
}

# Prints the last lines of each given log file that exists, framed so that the
# reader sees where each one starts (used when a service fails to start).
log_tail() {
    local file
    for file in "$@"; do
        [[ -s "$file" ]] || continue
        printf -- '----- last lines of %s -----\n' "$file" >&2
        tail -n "${PMS_LOG_TAIL_LINES:-40}" "$file" >&2
    done
}
