# shellcheck shell=bash
# The Debian package checks of scripts/test: build pms_<version>_amd64.deb with
# CPack, install it on this machine with dpkg -i, check what it put where and
# that its programs run, verify its systemd units, then remove and purge it and
# check that nothing is left.
#
# This changes the machine (a package, the pms system user) for a minute, so:
# - it never touches a pms package it did not install (a real deployment, or a
#   run of another worktree): it stops when one is installed;
# - runs take turns on a lock (two worktrees testing at once);
# - nothing starts: the maintainer scripts call systemctl only where systemd
#   runs, and a policy-rc.d denies service starts meanwhile;
# - package_cleanup (from the EXIT trap) purges what this run installed,
#   whatever failed.
#
# Needs log.sh, paths.sh, template.sh, deps.sh, build.sh; OPS_DIR set by the
# caller (a folder of this run).

PACKAGE_NAME=pms
PACKAGE_BUILD_DIR=$(realpath -m "${PMS_TEST_PACKAGE_BUILD_DIR:-$PMS_REPO_DIR/build-package}")
PACKAGE_LOCK=/run/lock/pms-package-test.lock
# What Install.cmake installs for the prefix /usr, and the values it renders.
PACKAGE_SBIN=/usr/sbin
PACKAGE_DB_DIR=/usr/share/pms/db
PACKAGE_UNIT_DIR=/lib/systemd/system
PACKAGE_ENV_DIR=/etc/pms
PACKAGE_NGINX_FILE=/etc/nginx/sites-available/pms.conf
PACKAGE_WEB_DIR=/usr/share/pms/web
PACKAGE_PROGRAMS=(pms-api pms-bridge pms-worker)
# The services, each with its own settings file in PACKAGE_ENV_DIR.
PACKAGE_SERVICES=("$PACKAGE_ENV_DIR"/{api,bridge,worker,migrate})
# The runtime packages of the libraries the binaries link, and psql.
PACKAGE_DEPENDS=(libfcgi0ldbl libpqxx-6.4 libhiredis0.14 librabbitmq4 libgd3 libcurl4 libssl3
    libjsoncpp25 liblog4cplus-2.0.5 postgresql-client)
# postinst marks the user it creates with this comment (cmake/debian/postinst.in).
PACKAGE_USER_COMMENT="pms services (created by the pms package)"

package_marker() { printf '%s\n' "$OPS_DIR/package-installed"; }
package_deb() { printf '%s\n' "$OPS_DIR/package.deb"; }

# dpkg's state of the package: installed, config-files, or nothing.
package_status() {
    dpkg-query -W -f='${db:Status-Status}' "$PACKAGE_NAME" 2>/dev/null || true
}

# Every unit file of the repository by its installed name, and one instance of
# each template (systemd-analyze verifies instances).
package_units() {
    local path name
    for path in "$PMS_REPO_DIR"/systemd/*.{service,socket,target}{,.in}; do
        [[ -f "$path" ]] || continue
        name=$(basename "${path%.in}")
        printf '%s\n' "${name/@./@1.}"
    done
}

# Waits (bounded) for the lock that serialises package tests on this machine;
# the calling shell holds it until package_unlock.
package_lock() {
    mkdir -p "$(dirname "$PACKAGE_LOCK")"
    exec {PACKAGE_LOCK_FD}>"$PACKAGE_LOCK"
    log_info "waiting for $PACKAGE_LOCK (other package tests on this machine)"
    flock -w 600 "$PACKAGE_LOCK_FD" || die "another package test held $PACKAGE_LOCK for 10 minutes"
}

# Purges what this run left installed, then lets the next package test in.
# (Closed before the stack starts: its daemons would inherit the lock.)
package_unlock() {
    package_cleanup
    exec {PACKAGE_LOCK_FD}>&-
}

# Runs dpkg without starting services, retrying for a while when apt or dpkg
# of another process holds dpkg's lock.
package_dpkg() {
    local attempt output
    for ((attempt = 0; attempt < 60; attempt++)); do
        if output=$(deps_without_service_starts timeout 300 dpkg "$@" 2>&1); then
            [[ -z "$output" ]] || printf '%s\n' "$output" >&2
            return 0
        fi
        grep -q 'lock' <<<"$output" || break
        sleep 2
    done
    printf '%s\n' "$output" >&2
    return 1
}

# Builds the package from a release build of the programs only (no tests, no
# sanitizers) for the prefix /usr; copies it to package_deb.
package_build() {
    local -a debs
    build_project "$PACKAGE_BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
        -DCMAKE_INSTALL_PREFIX=/usr
    rm -f "$PACKAGE_BUILD_DIR"/*.deb
    (cd "$PACKAGE_BUILD_DIR" && cpack -G DEB) >"$OPS_DIR/cpack.log" 2>&1 || {
        log_tail "$OPS_DIR/cpack.log"
        die "cpack failed"
    }
    shopt -s nullglob
    debs=("$PACKAGE_BUILD_DIR"/*.deb)
    ((${#debs[@]} == 1)) || die "cpack made ${#debs[@]} packages: ${debs[*]}"
    [[ "$(basename "${debs[0]}")" =~ ^pms_[0-9][0-9.]*(\+git[0-9]+\.[0-9a-f]+)?_amd64\.deb$ ]] ||
        die "the package is named $(basename "${debs[0]}"), not pms_<version>_amd64.deb"
    log_info "built $(basename "${debs[0]}")"
    cp "${debs[0]}" "$(package_deb)"
}

# Fails unless each path exists.
package_expect_present() {
    local path
    for path in "$@"; do
        [[ -e "$path" ]] || die "missing after install: $path"
    done
}

# Every file that the repository says belongs to the install.
package_expected_files() {
    local path unit
    printf '%s\n' "${PACKAGE_PROGRAMS[@]/#/$PACKAGE_SBIN/}"
    printf '%s\n' "$PACKAGE_DB_DIR/migrate"
    for path in "$PMS_REPO_DIR"/db/{migrations,functions,triggers}/*.sql; do
        printf '%s\n' "$PACKAGE_DB_DIR/${path#"$PMS_REPO_DIR"/db/}"
    done
    for unit in $(package_units); do
        printf '%s\n' "$PACKAGE_UNIT_DIR/${unit/@1./@.}"
    done
    printf '%s\n' "$PACKAGE_UNIT_DIR/pms-.service.d/sandbox.conf" "$PACKAGE_NGINX_FILE" \
        "${PACKAGE_SERVICES[@]/%/.env.example}" /usr/share/doc/pms/README.md
    printf '%s\n' "$PACKAGE_WEB_DIR"/{openapi.yaml,reference.html,redoc.standalone.js{,.LICENSE.txt}}
}

# The installed nginx file is nginx/pms.conf.in rendered with the production
# paths: CMake's configure_file and template.sh fill it alike.
package_check_nginx_file() {
    template_render "$PMS_REPO_DIR/nginx/pms.conf.in" "$OPS_DIR/pms.conf.production" \
        PMS_HTTP_LISTEN=80 PMS_API_SOCKET=/run/pms/api.sock PMS_NGINX_LOG_DIR=/var/log/nginx \
        PMS_WEB_DIR="$PACKAGE_WEB_DIR"
    diff -u "$OPS_DIR/pms.conf.production" "$PACKAGE_NGINX_FILE" >&2 ||
        die "$PACKAGE_NGINX_FILE is not nginx/pms.conf.in rendered for /run/pms/api.sock and /var/log/nginx"
}

# What postinst made: the pms system user and a private settings file per service.
package_check_postinst() {
    local env entry uid shell
    entry=$(getent passwd pms) || die "postinst created no pms user"
    IFS=: read -r _ _ uid _ _ _ shell <<<"$entry"
    ((uid < 1000)) || die "the pms user is not a system user (uid $uid)"
    [[ "$shell" == /usr/sbin/nologin ]] || die "the pms user has the shell $shell"
    for env in "${PACKAGE_SERVICES[@]/%/.env}"; do
        [[ "$(stat -c '%a %U %G' "$env")" == "600 root root" ]] ||
            die "$env is $(stat -c '%a %U %G' "$env"), not 600 root root"
        cmp -s "$env" "$env.example" || die "$env is not a copy of $env.example"
    done
}

# Each program runs: --version names it and the package's version, --help
# lists its settings; every shared library resolves.
package_check_programs() {
    local program binary version output
    version=$(dpkg-query -W -f='${Version}' "$PACKAGE_NAME")
    for program in "${PACKAGE_PROGRAMS[@]}"; do
        binary=$PACKAGE_SBIN/$program
        output=$("$binary" --version) || die "$binary --version failed"
        [[ "$output" == "$program $version" ]] || die "$binary --version says '$output'"
        output=$("$binary" --help) || die "$binary --help failed"
        grep -q '^  PMS_LOG_LEVEL$' <<<"$output" || die "$binary --help lists no settings"
        ! ldd "$binary" | grep 'not found' || die "$binary: shared libraries not found"
        log_info "$binary: $("$binary" --version)"
    done
    output=$("$PACKAGE_DB_DIR/migrate" --help) || die "$PACKAGE_DB_DIR/migrate --help failed"
    grep -q PMS_DATABASE_URL <<<"$output" || die "$PACKAGE_DB_DIR/migrate --help does not say PMS_DATABASE_URL"
}

# Depends: names the runtime libraries and psql.
package_check_depends() {
    local depends pkg
    depends=$(dpkg-query -W -f='${Depends}' "$PACKAGE_NAME")
    for pkg in "${PACKAGE_DEPENDS[@]}"; do
        [[ ", $depends," =~ [\ ,]${pkg//./\\.}[\ ,] ]] || die "Depends: lacks $pkg ($depends)"
    done
}

# Builds, installs and checks the package.
package_install_and_check() {
    local -a expected
    ((EUID == 0)) || die "the package test installs a package: run it as root"
    [[ -z "$(package_status)" ]] ||
        die "a $PACKAGE_NAME package is installed on this machine ($(package_status)): not touching it"
    package_build
    : >"$(package_marker)"
    log_info "dpkg -i $(basename "$(package_deb)")"
    package_dpkg -i "$(package_deb)" || die "dpkg -i failed"
    [[ "$(package_status)" == installed ]] || die "dpkg -i left the package $(package_status)"
    mapfile -t expected < <(package_expected_files)
    package_expect_present "${expected[@]}"
    package_check_postinst
    package_check_nginx_file
    package_check_depends
    package_check_programs
    log_info "${#expected[@]} files in place; the programs answer --version and --help"
}

# systemd-analyze verify on every installed unit (their ExecStart= binaries
# exist now), the sandboxing's exposure score, and the [Install] sections in
# an unpacked copy (systemctl --root: the machine's own systemd is untouched).
package_check_units() {
    local unit root=$OPS_DIR/root link output
    local -a units
    [[ "$(package_status)" == installed ]] || die "the package is not installed"
    mapfile -t units < <(package_units)
    # verify exits 0 on settings it ignores ("Failed to parse ..., ignoring"):
    # any message at all fails the check.
    output=$(systemd-analyze verify "${units[@]}" 2>&1) || die "systemd-analyze verify failed: $output"
    [[ -z "$output" ]] || die "systemd-analyze verify: $output"
    for unit in "${units[@]}"; do
        [[ "$unit" == *.service ]] || continue
        # 20: an exposure of at most 2.0 of 10 ("OK"); the units score 1.5 or better.
        systemd-analyze security --offline=yes --threshold=20 "$unit" >"$OPS_DIR/security-$unit.txt" ||
            die "$unit: exposure over 2.0: $(tail -n 1 "$OPS_DIR/security-$unit.txt")"
        log_info "$(grep -o 'Overall exposure level.*' "$OPS_DIR/security-$unit.txt")"
    done
    rm -rf "$root"
    dpkg-deb -x "$(package_deb)" "$root"
    systemctl --root="$root" enable pms.target pms-worker@1.service pms-worker@2.service \
        >"$OPS_DIR/enable.log" 2>&1 || die "systemctl enable failed: $(cat "$OPS_DIR/enable.log")"
    for link in multi-user.target.wants/pms.target sockets.target.wants/pms-api.socket \
        pms.target.wants/pms-api.service pms.target.wants/pms-bridge.service \
        pms.target.wants/pms-migrate.service pms.target.wants/pms-worker@1.service \
        pms.target.wants/pms-worker@2.service; do
        [[ -L "$root/etc/systemd/system/$link" ]] || die "enabling pms.target made no $link"
    done
    log_info "${#units[@]} units verified; enabling pms.target pulls in all of them"
}

# Fails when any of the given paths still exists.
package_expect_absent() {
    local path
    for path in "$@"; do
        [[ ! -e "$path" && ! -L "$path" ]] || die "left behind: $path"
    done
}

# dpkg -r keeps the configuration (conffiles, the settings files) and removes the rest;
# dpkg --purge removes everything the package and postinst made.
package_remove_and_check() {
    local file
    local -a files programs
    [[ -e "$(package_marker)" ]] || die "this run did not install the package"
    mapfile -t files < <(dpkg-query -L "$PACKAGE_NAME" | while read -r file; do
        [[ -d "$file" ]] || printf '%s\n' "$file"
    done)
    programs=("${PACKAGE_PROGRAMS[@]/#/$PACKAGE_SBIN/}")
    package_dpkg -r "$PACKAGE_NAME" || die "dpkg -r failed"
    [[ "$(package_status)" == config-files ]] || die "after dpkg -r the package is $(package_status)"
    package_expect_absent "${programs[@]}" "$PACKAGE_DB_DIR" "$PACKAGE_UNIT_DIR/pms-api.service"
    package_expect_present "${PACKAGE_SERVICES[@]/%/.env}" "${PACKAGE_SERVICES[@]/%/.env.example}" \
        "$PACKAGE_NGINX_FILE"
    package_dpkg --purge "$PACKAGE_NAME" || die "dpkg --purge failed"
    rm -f "$(package_marker)"
    [[ -z "$(package_status)" ]] || die "after dpkg --purge the package is $(package_status)"
    package_expect_absent "${files[@]}" "$PACKAGE_ENV_DIR"
    if [[ "$(getent passwd pms | cut -d: -f5)" == "$PACKAGE_USER_COMMENT" ]]; then
        die "purge left the pms user"
    fi
    # A pms user that postinst did not make (and its group) stays.
    if ! getent passwd pms >/dev/null && getent group pms >/dev/null; then
        die "purge left the pms group"
    fi
    log_info "removed, then purged: ${#files[@]} files, the settings files and the pms user are gone"
}

# From the EXIT trap: purges what this run installed and did not remove.
package_cleanup() {
    [[ -n "${OPS_DIR:-}" && -e "$(package_marker)" ]] || return 0
    if [[ -n "$(package_status)" ]]; then
        log_warn "purging the $PACKAGE_NAME package this run installed"
        package_dpkg --purge "$PACKAGE_NAME" || log_warn "dpkg --purge $PACKAGE_NAME failed"
    fi
    rm -f "$(package_marker)"
}
