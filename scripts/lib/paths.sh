# shellcheck shell=bash
# shellcheck disable=SC2034 # the STACK_* settings are read by the other libraries
# Settings of one local stack: its folders, its ports and the pms.env it writes.
#
# Every port of a stack is derived from PMS_STACK_PORT_BASE, so
# two stacks with different bases (the developer's and the test run's) never
# share a port, a folder or an Erlang node name.

PMS_REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Reads the PMS_STACK_* / PMS_BUILD_DIR settings (with their defaults) and
# derives the folders and ports below. Call it once before anything else.
paths_init() {
    PMS_STACK_DIR=$(realpath -m "${PMS_STACK_DIR:-$PMS_REPO_DIR/.stack}")
    PMS_BUILD_DIR=$(realpath -m "${PMS_BUILD_DIR:-$PMS_REPO_DIR/build}")
    PMS_STACK_PORT_BASE=${PMS_STACK_PORT_BASE:-18000}
    PMS_STACK_HTTP_PORT=${PMS_STACK_HTTP_PORT:-8080}
    paths_check_port PMS_STACK_PORT_BASE "$PMS_STACK_PORT_BASE"
    paths_check_port PMS_STACK_HTTP_PORT "$PMS_STACK_HTTP_PORT"
    # The highest derived port is BASE+900; keep it a valid port number.
    ((PMS_STACK_PORT_BASE + 900 <= 65535)) || die "PMS_STACK_PORT_BASE is too high: $PMS_STACK_PORT_BASE"

    STACK_RUN_DIR=$PMS_STACK_DIR/run
    STACK_LOG_DIR=$PMS_STACK_DIR/logs
    STACK_ENV_FILE=$PMS_STACK_DIR/pms.env
    STACK_API_SOCKET=$STACK_RUN_DIR/api.sock

    local base=$PMS_STACK_PORT_BASE
    STACK_PG_PORT=$((base + 432))
    STACK_REDIS_PORT=$((base + 379))
    STACK_REDIS_SOCKET=$STACK_RUN_DIR/redis.sock
    STACK_PG_SOCKET_DIR=$STACK_RUN_DIR/pg
    STACK_AMQP_PORT=$((base + 672))
    STACK_ERL_DIST_PORT=$((base + 673))
    # rabbitmqctl is an Erlang node too; its distribution ports default to a
    # range shared by every broker on the host (35672-35682). Keep them inside
    # this stack's block, next to the broker's own.
    STACK_ERL_CTL_PORT_MIN=$((base + 674))
    STACK_ERL_CTL_PORT_MAX=$((base + 683))
    STACK_EPMD_PORT=$((base + 369))
    STACK_S3_PORT=$((base + 900))
    # BASE+80 would be the test stack's HTTP port (28080 for base 28000).
    STACK_ORIGIN_PORT=${PMS_TEST_ORIGIN_PORT:-$((base + 180))}
    # Loopback, where the stack's workers may fetch (PMS_FETCH_ALLOW); scripts/cluster's
    # tests serve it on the bridge instead.
    STACK_ORIGIN_ADDR=127.0.0.1

    STACK_S3_BUCKET=pms-images
    STACK_API_URL=http://127.0.0.1:$PMS_STACK_HTTP_PORT
    STACK_DATABASE_URL=$(paths_db_url postgres)
}

# Prints the libpq URI of the stack's database for one role (trust auth on loopback).
paths_db_url() {
    printf 'postgresql://%s@127.0.0.1:%s/pms\n' "$1" "$STACK_PG_PORT"
}

# The same over the server's unix socket, for the programs: no TCP stack on every statement
# (what a host running PostgreSQL beside the programs would use too).
paths_db_socket_url() {
    printf 'postgresql://%s@/pms?host=%s&port=%s\n' "$1" "$STACK_PG_SOCKET_DIR" "$STACK_PG_PORT"
}

# Dies unless $2 is a TCP port number; $1 names the setting in the message.
paths_check_port() {
    local name=$1 value=$2
    if ! [[ "$value" =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
        die "$name must be a port number, got '$value'"
    fi
}

# Creates the runtime folders. The stack folder is made world-traversable
# because PostgreSQL runs as the postgres user and must reach its data and
# socket folders inside it (mktemp -d creates it 0700).
paths_make_dirs() {
    mkdir -p "$PMS_STACK_DIR" "$STACK_RUN_DIR" "$STACK_LOG_DIR"
    chmod 0755 "$PMS_STACK_DIR" "$STACK_RUN_DIR"
}

# Moves each log file of the stack over 256 MB to NAME.log.1, replacing the one
# before. nginx's access log and pms-api's log take a line per request: one
# full bench/run writes over a gigabyte, and nothing else rotates them. `up`
# does this first; nginx reopens its files when `up` reloads it, and a program
# writes a new file from its next start (bench/run restarts them).
paths_rotate_logs() {
    local log size
    for log in "$STACK_LOG_DIR"/*.log; do
        [[ -f "$log" ]] || continue
        size=$(stat -c %s "$log")
        ((size > 256 * 1024 * 1024)) || continue
        mv -f "$log" "$log.1"
        log_info "rotated $log ($((size / 1024 / 1024)) MB) to $log.1"
    done
}

# Prints one `export NAME=value` line; values with shell-special characters are quoted.
paths_env_line() {
    local name=$1 value=$2
    if [[ "$value" =~ ^[A-Za-z0-9_./:@,%+=-]*$ ]]; then
        printf 'export %s=%s\n' "$name" "$value"
    else
        printf 'export %s=%q\n' "$name" "$value"
    fi
}

# Prints the stack's secret, making it on first use: 32 random bytes in hex,
# kept with the stack's data so that tokens stay valid across restarts.
paths_jwt_secret() {
    local file=$PMS_STACK_DIR/jwt-secret
    if [[ ! -s "$file" ]]; then
        mkdir -p "$PMS_STACK_DIR"
        (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$file.tmp")
        mv -f "$file.tmp" "$file"
    fi
    cat "$file"
}

# Prints the stack's pms.env: every PMS_ variable of README.md. Addresses
# and credentials are the stack's own; tuning values keep the caller's
# setting when one is exported (e.g. PMS_LOG_LEVEL=debug scripts/stack up).
paths_env_print() {
    local s3_endpoint=http://127.0.0.1:$STACK_S3_PORT
    {
        echo "# Written by scripts/stack up; load with: eval \"\$(scripts/stack env)\""
        paths_env_line PMS_STACK_DIR "$PMS_STACK_DIR"
        paths_env_line PMS_STACK_PORT_BASE "$PMS_STACK_PORT_BASE"
        paths_env_line PMS_STACK_HTTP_PORT "$PMS_STACK_HTTP_PORT"
        paths_env_line PMS_BUILD_DIR "$PMS_BUILD_DIR"
        paths_env_line PMS_API_URL "$STACK_API_URL"
        paths_env_line PMS_DATABASE_URL "$STACK_DATABASE_URL"
        paths_env_line PMS_API_DATABASE_URL "$(paths_db_socket_url pms_api)"
        paths_env_line PMS_WORKER_DATABASE_URL "$(paths_db_socket_url pms_worker)"
        paths_env_line PMS_BRIDGE_DATABASE_URL "$(paths_db_socket_url pms_bridge)"
        paths_env_line PMS_REDIS_URL "unix:$STACK_REDIS_SOCKET"
        # %2f is the vhost "/": a bare trailing slash names the vhost "" (AMQP URI
        # spec; rabbitmq-c's amqp_parse_url follows it and the login fails).
        paths_env_line PMS_AMQP_URL "amqp://guest:guest@127.0.0.1:$STACK_AMQP_PORT/%2f"
        paths_env_line PMS_S3_ENDPOINT "$s3_endpoint"
        paths_env_line PMS_S3_BUCKET "$STACK_S3_BUCKET"
        paths_env_line PMS_S3_REGION us-east-1
        # s3rver's fixed credentials (it accepts any signature: docs/facts.md, "S3").
        paths_env_line PMS_S3_ACCESS_KEY S3RVER
        paths_env_line PMS_S3_SECRET_KEY S3RVER
        paths_env_line PMS_S3_PUBLIC_URL "$s3_endpoint/$STACK_S3_BUCKET"
        paths_env_line PMS_API_LISTEN "unix:$STACK_API_SOCKET"
        # pms-api's own default (one child per CPU), written out so the tests know it.
        paths_env_line PMS_API_WORKERS "${PMS_API_WORKERS:-$(nproc)}"
        paths_env_line PMS_API_DATABASE_CONNECTIONS "${PMS_API_DATABASE_CONNECTIONS:-4}"
        paths_env_line PMS_JWT_SECRET "$(paths_jwt_secret)"
        paths_env_line PMS_AUTH_READS "${PMS_AUTH_READS:-public}"
        paths_env_line PMS_CACHE_TTL "${PMS_CACHE_TTL:-1800}"
        paths_env_line PMS_WORKER_CONCURRENCY "${PMS_WORKER_CONCURRENCY:-2}"
        paths_env_line PMS_IMAGE_MAX_WIDTH "${PMS_IMAGE_MAX_WIDTH:-800}"
        paths_env_line PMS_IMAGE_MAX_HEIGHT "${PMS_IMAGE_MAX_HEIGHT:-600}"
        paths_env_line PMS_IMAGE_QUALITY "${PMS_IMAGE_QUALITY:-75}"
        # The image origins of the local stack and of the tests live on loopback.
        paths_env_line PMS_FETCH_ALLOW 127.0.0.1
        paths_env_line PMS_FETCH_MAX_BYTES "${PMS_FETCH_MAX_BYTES:-26214400}"
        paths_env_line PMS_FETCH_TIMEOUT "${PMS_FETCH_TIMEOUT:-30}"
        paths_env_line PMS_BRIDGE_BATCH "${PMS_BRIDGE_BATCH:-500}"
        paths_env_line PMS_BRIDGE_POLL_INTERVAL "${PMS_BRIDGE_POLL_INTERVAL:-5}"
        paths_env_line PMS_LOG_LEVEL "${PMS_LOG_LEVEL:-info}"
    }
}

# Writes pms.env atomically, so a reader never sees half a file.
paths_env_write() {
    paths_env_print >"$STACK_ENV_FILE.tmp"
    mv -f "$STACK_ENV_FILE.tmp" "$STACK_ENV_FILE"
}
