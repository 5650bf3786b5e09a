# shellcheck shell=bash
# What the project needs on a fresh Debian 12: the Debian packages, and s3rver,
# Redocly's linter and Redoc from npm in the git-ignored .tools/ folder.
# Installs only what is missing.

# Build dependencies, the services of the local stack, and the test tools.
DEPS_PACKAGES=(
    # build
    cmake g++ pkg-config
    libfcgi-dev libpqxx-dev libhiredis-dev librabbitmq-dev
    libgd-dev libjpeg-dev libpng-dev libwebp-dev
    libcurl4-openssl-dev libssl-dev libjsoncpp-dev liblog4cplus-dev libgtest-dev
    # services
    postgresql-15 postgresql-15-pgtap redis-server rabbitmq-server nginx
    # tools: pg_prove, amqp-* clients, curl, npm for s3rver, the format check
    libtap-parser-sourcehandler-pgtap-perl amqp-tools curl ca-certificates nodejs npm
    # scripts/stack token signs with openssl
    openssl
    clang-format git
    # scripts/test: shellcheck on the scripts, clang-tidy (with run-clang-tidy) on the C++
    shellcheck clang-tidy
    # scripts/fuzz: clang with libFuzzer (libclang-rt-14-dev holds libclang_rt.fuzzer)
    clang libclang-rt-14-dev
    # ops tests: systemd-analyze; the Debian package (dpkg-shlibdeps, file for CPack)
    systemd dpkg-dev file
    # system tests: a Debian root file system booted by systemd-nspawn
    debootstrap systemd-container
    # the OpenAPI checks: responses against docs/openapi.yaml, the reference page in a browser
    python3 python3-yaml python3-jsonschema chromium
)

# Pinned: its behaviour (required x-amz-content-sha256, no signature check) is
# what docs/facts.md ("S3") describes.
DEPS_S3RVER_VERSION=3.7.1
# 1.34.20: the last Redocly CLI that runs on Debian 12's Node.js 18 (2.x needs 20.19).
DEPS_REDOCLY_VERSION=1.34.20
# The reference page at /docs is Redoc's standalone bundle, served by nginx.
DEPS_REDOC_VERSION=2.5.2
DEPS_TOOLS_DIR=$PMS_REPO_DIR/.tools
# shellcheck disable=SC2034 # the three are read by the scripts that source this file
DEPS_S3RVER_BIN=$DEPS_TOOLS_DIR/node_modules/.bin/s3rver
# shellcheck disable=SC2034
DEPS_REDOCLY_BIN=$DEPS_TOOLS_DIR/node_modules/.bin/redocly
# shellcheck disable=SC2034
DEPS_REDOC_BUNDLE=$DEPS_TOOLS_DIR/node_modules/redoc/bundles/redoc.standalone.js

# Succeeds when a Debian package is installed.
deps_installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

# Succeeds when a package's job is already done some other way: a node or npm
# from another source (e.g. NodeSource's nodejs bundles npm and conflicts with
# Debian's npm package) serves s3rver as well.
deps_provided() {
    case "$1" in
        nodejs) command -v node >/dev/null ;;
        npm) command -v npm >/dev/null ;;
        *) return 1 ;;
    esac
}

# Prints the packages of DEPS_PACKAGES that are missing, one per line.
deps_missing() {
    local pkg
    for pkg in "${DEPS_PACKAGES[@]}"; do
        deps_installed "$pkg" || deps_provided "$pkg" || printf '%s\n' "$pkg"
    done
}

# Runs a command with a policy-rc.d that denies every service start, so that
# maintainer scripts (apt-get install, the package test's dpkg -i) start no
# system service: the postinst scripts of redis, postgresql, rabbitmq and
# nginx would take the default ports (the stack runs private instances on its
# own ports). A policy-rc.d that exists already decides instead.
# Usage: deps_without_service_starts CMD...
deps_without_service_starts() {
    local policy=/usr/sbin/policy-rc.d ours=no status=0
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\n# scripts/lib/deps.sh: no service starts during install\nexit 101\n' >"$policy"
        chmod 0755 "$policy"
        ours=yes
    fi
    "$@" || status=$?
    [[ "$ours" == no ]] || rm -f "$policy"
    return "$status"
}

# Installs the given Debian packages without questions and without starting
# their system services.
deps_apt_install() {
    # An unreachable optional source must not stop the install: apt-get
    # install below fails by itself when a package cannot be found.
    DEBIAN_FRONTEND=noninteractive apt-get update -q || log_warn "apt-get update reported errors"
    DEBIAN_FRONTEND=noninteractive deps_without_service_starts \
        apt-get install -y -q --no-install-recommends "$@"
}

# Installs the missing Debian packages (root only; says which ones).
deps_ensure_packages() {
    local missing
    mapfile -t missing < <(deps_missing)
    ((${#missing[@]} > 0)) || return 0
    ((EUID == 0)) || die "missing packages (install them as root): ${missing[*]}"
    log_info "installing missing packages: ${missing[*]}"
    deps_apt_install "${missing[@]}" || die "apt-get install failed"
}

# Succeeds when .tools holds the npm package NAME at VERSION.
# Usage: deps_npm_ok NAME VERSION
deps_npm_ok() {
    grep -qs "\"version\": \"$2\"" "$DEPS_TOOLS_DIR/node_modules/$1/package.json"
}

# Installs the pinned npm packages into .tools/ that are not there yet.
deps_ensure_npm() {
    local spec
    local -a wanted=("s3rver@$DEPS_S3RVER_VERSION" "@redocly/cli@$DEPS_REDOCLY_VERSION"
        "redoc@$DEPS_REDOC_VERSION") missing=()
    for spec in "${wanted[@]}"; do
        deps_npm_ok "${spec%@*}" "${spec##*@}" || missing+=("$spec")
    done
    ((${#missing[@]} > 0)) || return 0
    log_info "installing ${missing[*]} into $DEPS_TOOLS_DIR"
    mkdir -p "$DEPS_TOOLS_DIR"
    # A package.json of its own keeps npm from walking up into the repository.
    [[ -f "$DEPS_TOOLS_DIR/package.json" ]] ||
        printf '{"name": "pms-tools", "private": true}\n' >"$DEPS_TOOLS_DIR/package.json"
    npm install --prefix "$DEPS_TOOLS_DIR" --no-audit --no-fund --save-exact "${missing[@]}" ||
        die "npm install ${missing[*]} failed"
    for spec in "${missing[@]}"; do
        deps_npm_ok "${spec%@*}" "${spec##*@}" ||
            die "$spec is not in $DEPS_TOOLS_DIR after npm install"
    done
}

# Everything the stack and the tests need.
deps_ensure() {
    deps_ensure_packages
    deps_ensure_npm
}
