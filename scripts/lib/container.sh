# shellcheck shell=bash
# A Debian 12 host in a container, booted with a real systemd as its PID 1, for
# scripts/test system (tests/system/README.md): a root file system made once with
# debootstrap and kept, then booted by systemd-nspawn with its own network
# (only its own loopback) and a throwaway layer over the kept root, so every
# run starts from the same clean host.
#
# Nothing here needs machined: commands run inside through nsenter into the
# container's PID 1.
#
# Needs log.sh, paths.sh, deps.sh (debootstrap and systemd-container come from DEPS_PACKAGES).

# Kept root file systems, one per stamp of what they hold.
CONTAINER_CACHE_DIR=${PMS_SYSTEM_CACHE_DIR:-/var/cache/pms-system}
CONTAINER_SUITE=bookworm
# Its host name; scripts/test makes it unique per run, so that two runs cannot meet.
CONTAINER_NAME=${CONTAINER_NAME:-pms-system}
# What a host of the README's deployment has besides the package: the services it
# talks to, nginx, sudo and curl (the README's commands), openssl, node for the S3
# server (s3rver, copied from .tools), and what the checks use (procps, jq).
CONTAINER_PACKAGES=(
    systemd systemd-sysv dbus ca-certificates
    postgresql-15 redis-server rabbitmq-server nginx
    sudo curl openssl procps jq nodejs
)
# Bump when the recipe below changes in a way the stamp cannot see.
CONTAINER_RECIPE=1

# The running container is known by files in this folder (set by the caller), so that every
# step of scripts/test (each a subshell) finds it: nspawn.pid, leader.pid.
CONTAINER_STATE_DIR=${CONTAINER_STATE_DIR:-}

# The Debian mirror apt on this machine uses: the first URIs of a deb822 source for
# Debian, else the first `deb` line of sources.list.
container_mirror() {
    local uri
    uri=$(sed -n 's|^URIs:[[:space:]]*\([^[:space:]]*/debian\)/\{0,1\}$|\1|p' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
    if [[ -z "$uri" ]]; then
        uri=$(sed -n 's|^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]*/debian\)/\{0,1\}[[:space:]].*|\2|p' \
            /etc/apt/sources.list 2>/dev/null | head -n 1)
    fi
    [[ -n "$uri" ]] || die "no Debian mirror in /etc/apt/sources.list.d/ or /etc/apt/sources.list"
    printf '%s\n' "$uri"
}

# What the kept root holds: the recipe, the mirror, the packages with the .deb's
# own Depends (DEPENDS), and the s3rver version. Usage: container_stamp DEPENDS
container_stamp() {
    printf '%s\n' "$CONTAINER_RECIPE" "$(container_mirror)" "${CONTAINER_PACKAGES[*]}" "$1" \
        "$DEPS_S3RVER_VERSION" | sha256sum | cut -c1-16
}

# The dependencies of a .deb as package names apt can install (alternatives take
# their first choice, versions dropped). Usage: container_deb_depends FILE
container_deb_depends() {
    dpkg-deb -f "$1" Depends | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/[[:space:]]//g' |
        grep -v '^$' | sort -u | tr '\n' ' '
}

# Prints the kept root file system for a package DEB, building it when there is
# none with the same stamp (debootstrap, then apt inside with the host's network;
# a few minutes, once per machine). Older roots are removed.
# Usage: container_root DEB
container_root() {
    local depends stamp root work
    depends=$(container_deb_depends "$1")
    stamp=$(container_stamp "$depends")
    root=$CONTAINER_CACHE_DIR/root-$stamp
    if [[ -f "$root/.pms-system-ready" ]]; then
        printf '%s\n' "$root"
        return 0
    fi
    mkdir -p "$CONTAINER_CACHE_DIR"
    find "$CONTAINER_CACHE_DIR" -mindepth 1 -maxdepth 1 -name 'root-*' -exec rm -rf {} +
    work=$root.part
    log_info "building the container's root file system in $root (once per machine)"
    debootstrap --variant=minbase --include=systemd,dbus "$CONTAINER_SUITE" "$work" \
        "$(container_mirror)" >"$CONTAINER_CACHE_DIR/debootstrap.log" 2>&1 ||
        { log_tail "$CONTAINER_CACHE_DIR/debootstrap.log"; die "debootstrap failed"; }
    # The mirror's updates and security suites, as on the host.
    cp /etc/apt/sources.list.d/debian.sources "$work/etc/apt/sources.list.d/" 2>/dev/null &&
        rm -f "$work/etc/apt/sources.list"
    # Maintainer scripts must not start services while the root is prepared: they
    # would run on the host's network namespace.
    printf '#!/bin/sh\nexit 101\n' >"$work/usr/sbin/policy-rc.d"
    chmod 0755 "$work/usr/sbin/policy-rc.d"
    # shellcheck disable=SC2086 # the Depends are words
    container_run_in_root "$work" sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends ${CONTAINER_PACKAGES[*]} $depends && apt-get clean" \
        >"$CONTAINER_CACHE_DIR/apt.log" 2>&1 ||
        { log_tail "$CONTAINER_CACHE_DIR/apt.log"; die "apt-get install in the container's root failed"; }
    rm -f "$work/usr/sbin/policy-rc.d"
    mkdir -p "$work/opt/s3rver"
    cp -a "$DEPS_TOOLS_DIR/node_modules" "$work/opt/s3rver/"
    printf '%s\n' "$stamp" >"$work/.pms-system-ready"
    mv "$work" "$root"
    printf '%s\n' "$root"
}

# Runs a command in a root file system without booting it (the host's network).
# Usage: container_run_in_root ROOT CMD...
container_run_in_root() {
    local root=$1
    shift
    systemd-nspawn -q -D "$root" --register=no --keep-unit --pipe -- "$@" </dev/null
}

# The container's PID 1 among nspawn's children: the one that is PID 1 in a PID namespace of its
# own (the last field of its NSpid line). nspawn's first child only forks it and exits; taken
# for the leader, it left every later nsenter failing (the upgrade's boot "did not finish").
# Usage: container_init_of NSPAWN_PID
container_init_of() {
    local pid
    for pid in $(pgrep -P "$1"); do
        awk '/^NSpid:/ { found = (NF > 2 && $NF == 1) } END { exit !found }' "/proc/$pid/status" \
            2>/dev/null && { echo "$pid"; return 0; }
    done
    return 1
}

# Boots ROOT with a throwaway writable layer (tmpfs over the kept root) and its
# own network, BINDs mounted read-only ("HOST:CONTAINER" each), and waits until
# systemd says the system runs. nspawn's output goes to CONTAINER_STATE_DIR/nspawn.log.
# Usage: container_boot ROOT [BIND...]
container_boot() {
    local root=$1 bind i state nspawn leader=""
    shift
    [[ -n "$CONTAINER_STATE_DIR" ]] || die "CONTAINER_STATE_DIR is not set"
    mkdir -p "$CONTAINER_STATE_DIR"
    local -a args=(-q -D "$root" -b --register=no --keep-unit -M "$CONTAINER_NAME"
        --private-network --volatile=overlay)
    for bind in "$@"; do args+=("--bind-ro=$bind"); done
    systemd-nspawn "${args[@]}" </dev/null >"$CONTAINER_STATE_DIR/nspawn.log" 2>&1 &
    nspawn=$!
    printf '%s\n' "$nspawn" >"$CONTAINER_STATE_DIR/nspawn.pid"
    for ((i = 0; i < 300; i++)); do
        leader=$(container_init_of "$nspawn") || true
        [[ -z "$leader" ]] || break
        kill -0 "$nspawn" 2>/dev/null || { log_tail "$CONTAINER_STATE_DIR/nspawn.log"; die "systemd-nspawn ended"; }
        sleep 0.1
    done
    [[ -n "$leader" ]] || die "the container's PID 1 did not appear"
    printf '%s\n' "$leader" >"$CONTAINER_STATE_DIR/leader.pid"
    for ((i = 0; i < 600; i++)); do
        state=$(container_exec systemctl is-system-running 2>/dev/null) || true
        case "$state" in
            running) return 0 ;;
            degraded)
                container_exec systemctl --failed --no-legend >&2 || true
                die "the container booted degraded"
                ;;
        esac
        sleep 0.1
    done
    die "the container did not finish booting in 60 s (state: ${state:-none})"
}

# The container's PID 1 on this machine, or nothing.
container_leader() {
    cat "$CONTAINER_STATE_DIR/leader.pid" 2>/dev/null || true
}

# Runs a command inside the booted container as root; its output and exit code
# come back. Usage: container_exec CMD...
container_exec() {
    local leader
    leader=$(container_leader)
    [[ -n "$leader" ]] || die "no container is running"
    nsenter -t "$leader" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}

# Runs a bash script (stdin) inside the container. Usage: container_sh <<'SH' ... SH
container_sh() {
    container_exec bash -euo pipefail -s
}

# Powers the container off (bounded), then makes sure nspawn is gone.
container_stop() {
    local nspawn i
    nspawn=$(cat "$CONTAINER_STATE_DIR/nspawn.pid" 2>/dev/null) || return 0
    if kill -0 "$nspawn" 2>/dev/null; then
        container_exec systemctl poweroff >/dev/null 2>&1 || kill "$nspawn" 2>/dev/null || true
        for ((i = 0; i < 150; i++)); do
            kill -0 "$nspawn" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$nspawn" 2>/dev/null || true
    fi
    rm -f "$CONTAINER_STATE_DIR/nspawn.pid" "$CONTAINER_STATE_DIR/leader.pid"
}
