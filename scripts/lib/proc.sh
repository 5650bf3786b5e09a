# shellcheck shell=bash
# Background processes tracked by pid files: start, check, stop, wait.
#
# Every daemon the stack starts itself runs in its own session (setsid), so its
# pid is also its process group: stopping the group also reaches its children
# (pms-api's pre-forked children, the Erlang VM under rabbitmq-server).

# Prints the pid recorded in a pid file when that process is alive; fails otherwise.
proc_pid() {
    local pidfile=$1 pid
    [[ -s "$pidfile" ]] || return 1
    read -r pid <"$pidfile" || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    proc_is_live "$pid" || return 1
    printf '%s\n' "$pid"
}

# Sets PROC_STATE and PROC_PGID from /proc/PID/stat; fails when the process
# does not exist. (No subshells: proc_group_is_live runs it for every process.)
proc_read_stat() {
    local line
    read -r line 2>/dev/null <"/proc/$1/stat" || return 1
    # The command name is in parentheses and may contain spaces: cut after it.
    # Then come the state, the parent pid and the process group.
    read -r PROC_STATE _ PROC_PGID _ <<<"${line##*) }"
}

# Succeeds when a process exists and is not a zombie (a daemon whose parent
# went away may linger as a zombie until init reaps it).
proc_is_live() {
    proc_read_stat "$1" && [[ "$PROC_STATE" != Z ]]
}

# Succeeds when some process of a process group is alive (not a zombie).
proc_group_is_live() {
    local dir
    for dir in /proc/[0-9]*; do
        proc_read_stat "${dir#/proc/}" || continue
        [[ "$PROC_PGID" == "$1" && "$PROC_STATE" != Z ]] && return 0
    done
    return 1
}

# Succeeds when the process of a pid file is alive.
proc_alive() {
    proc_pid "$1" >/dev/null
}

# Starts a command in the background in a session of its own, appending its
# output to a log file and writing its pid file. Usage: proc_spawn PIDFILE LOG CMD...
proc_spawn() {
    local pidfile=$1 logfile=$2
    shift 2
    # Not a process group leader here, so setsid does not fork: $! is the daemon.
    setsid "$@" >>"$logfile" 2>&1 </dev/null &
    printf '%s\n' "$!" >"$pidfile"
}

# Polls a command every 0.2 s until it succeeds or the timeout (seconds) passes.
# Usage: proc_wait_until TIMEOUT CMD...
proc_wait_until() {
    local timeout=$1 deadline
    shift
    deadline=$((SECONDS + timeout))
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# Like proc_wait_until, but gives up at once when the process of PIDFILE
# exits (a daemon that failed to bind its port should not cost the timeout).
# Usage: proc_wait_ready PIDFILE TIMEOUT CMD...
proc_wait_ready() {
    local pidfile=$1 timeout=$2 deadline
    shift 2
    deadline=$((SECONDS + timeout))
    until "$@"; do
        proc_alive "$pidfile" || return 1
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
    # What answered must be ours, not another process on the same port.
    proc_alive "$pidfile"
}

# Succeeds when a process group (or, if the pid leads no group, the process) is gone.
proc_gone() {
    local pid=$1 as_group=$2
    if [[ "$as_group" == yes ]]; then
        ! proc_group_is_live "$pid"
    else
        ! proc_is_live "$pid"
    fi
}

# Stops the process of a pid file: SIGNAL (default TERM) for a graceful stop,
# then SIGKILL after TIMEOUT seconds (default 30). Waits for the whole process
# group when the pid leads one, so no child outlives the stop.
# Usage: proc_stop NAME PIDFILE [SIGNAL] [TIMEOUT]
proc_stop() {
    local name=$1 pidfile=$2 signal=${3:-TERM} timeout=${4:-30}
    local pid as_group=no
    if ! pid=$(proc_pid "$pidfile"); then
        rm -f "$pidfile"
        return 0
    fi
    proc_read_stat "$pid" && [[ "$PROC_PGID" == "$pid" ]] && as_group=yes
    kill "-$signal" "$pid" 2>/dev/null || true
    if ! proc_wait_until "$timeout" proc_gone "$pid" "$as_group"; then
        log_warn "$name (pid $pid) did not stop within ${timeout}s: killing it"
        if [[ "$as_group" == yes ]]; then
            kill -KILL -- "-$pid" 2>/dev/null || true
        else
            kill -KILL "$pid" 2>/dev/null || true
        fi
        proc_wait_until 10 proc_gone "$pid" "$as_group" || log_warn "$name (pid $pid) survived SIGKILL"
    fi
    rm -f "$pidfile"
    log_info "$name stopped"
}

# Prints `NAME running (pid N)` or `NAME stopped` for a pid file; fails when stopped.
proc_status_line() {
    local name=$1 pidfile=$2 pid
    if pid=$(proc_pid "$pidfile"); then
        printf '%-11s running (pid %s)\n' "$name" "$pid"
    else
        printf '%-11s stopped\n' "$name"
        return 1
    fi
}
