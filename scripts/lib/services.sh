# shellcheck shell=bash
# The infrastructure services of a local stack, each private to its runtime
# folder and bound to 127.0.0.1: PostgreSQL, Redis, epmd + RabbitMQ, s3rver
# and the nginx that fronts pms-api. One start/stop/status per service; the
# stack and the tests both go through these.
#
# Needs log.sh, paths.sh (paths_init done), proc.sh, template.sh, deps.sh.

SERVICES_PG_BIN=/usr/lib/postgresql/15/bin
SERVICES_RABBIT_BIN=/usr/lib/rabbitmq/bin
# Start order; `down` stops them in reverse.
SERVICES=(postgres redis epmd rabbitmq s3rver nginx)

# How long a service may take to answer after its start, in seconds.
SERVICES_START_TIMEOUT=${PMS_STACK_START_TIMEOUT:-60}

# ---------------------------------------------------------------- PostgreSQL

# PostgreSQL refuses to run as root: its tools run as postgres, from / so that
# they do not complain about an unreadable working folder.
postgres_as_owner() {
    (cd / && runuser -u postgres -- "$@")
}

postgres_data_dir() { printf '%s\n' "$PMS_STACK_DIR/pg"; }
postgres_socket_dir() { printf '%s\n' "$STACK_PG_SOCKET_DIR"; }
postgres_log() { printf '%s\n' "$STACK_LOG_DIR/postgres.log"; }

postgres_running() {
    local data
    data=$(postgres_data_dir)
    [[ -f "$data/PG_VERSION" ]] && postgres_as_owner "$SERVICES_PG_BIN/pg_ctl" status -D "$data" >/dev/null 2>&1
}

# Creates the cluster once: owned by postgres, trust authentication (a
# throwaway local stack; the service roles of db/README.md have no passwords).
postgres_init() {
    local data
    data=$(postgres_data_dir)
    [[ -f "$data/PG_VERSION" ]] && return 0
    postgres_as_owner test -x "$PMS_STACK_DIR" ||
        die "the postgres user cannot reach $PMS_STACK_DIR: choose a PMS_STACK_DIR whose parent folders are world-searchable (e.g. under /tmp)"
    install -d -o postgres -g postgres -m 0700 "$data"
    log_info "postgres: initdb $data"
    postgres_as_owner "$SERVICES_PG_BIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth=trust >>"$(postgres_log)" 2>&1 || {
        log_tail "$(postgres_log)"
        die "initdb failed"
    }
    # Connections only through the private socket folder (0700, postgres) and
    # 127.0.0.1; nothing else, not even ::1.
    cat >"$data/pg_hba.conf" <<'EOF'
# Written by scripts/lib/services.sh for the local stack.
local all all              trust
host  all all 127.0.0.1/32 trust
EOF
    chown postgres:postgres "$data/pg_hba.conf"
}

postgres_start() {
    local data log sockets
    data=$(postgres_data_dir)
    log=$(postgres_log)
    sockets=$(postgres_socket_dir)
    postgres_init
    install -d -o postgres -g postgres -m 0700 "$sockets"
    touch "$log" && chown postgres "$log"
    # Port, address and socket folder on the command line, not in the data
    # folder, so a changed PMS_STACK_PORT_BASE applies at the next start.
    postgres_as_owner "$SERVICES_PG_BIN/pg_ctl" start -D "$data" -l "$log" -w -t "$SERVICES_START_TIMEOUT" \
        -o "-c port=$STACK_PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$sockets" \
        >/dev/null || return 1
    postgres_create_database
}

# Creates the pms database when it does not exist yet.
postgres_create_database() {
    local url=postgresql://postgres@127.0.0.1:$STACK_PG_PORT/postgres exists
    exists=$(psql "$url" -X -q -At -c "select 1 from pg_database where datname = 'pms'") || return 1
    [[ "$exists" == 1 ]] || psql "$url" -X -q -c 'create database pms' || return 1
}

postgres_stop() {
    local data
    data=$(postgres_data_dir)
    postgres_running || return 0
    # fast: roll back open transactions and stop now; the data stays consistent.
    if ! postgres_as_owner "$SERVICES_PG_BIN/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null; then
        log_warn "postgres did not stop in fast mode: stopping it in immediate mode"
        postgres_as_owner "$SERVICES_PG_BIN/pg_ctl" stop -D "$data" -m immediate -w -t 30 >/dev/null ||
            die "postgres did not stop"
    fi
    log_info "postgres stopped"
}

postgres_status() {
    local pid
    if postgres_running; then
        read -r pid <"$(postgres_data_dir)/postmaster.pid"
        printf '%-11s running (pid %s, 127.0.0.1:%s)\n' postgres "$pid" "$STACK_PG_PORT"
    else
        printf '%-11s stopped\n' postgres
        return 1
    fi
}

# ---------------------------------------------------------------------- Redis

redis_pidfile() { printf '%s\n' "$STACK_RUN_DIR/redis.pid"; }
redis_running() { proc_alive "$(redis_pidfile)"; }
redis_ping() { [[ "$(timeout 2 redis-cli -h 127.0.0.1 -p "$STACK_REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

# A cache only: no RDB snapshots, no AOF, so nothing is written to disk.
# In the foreground under proc_spawn, like the other daemons, so a failed
# start (port taken) is seen at once. The programs talk to it over a unix
# socket (no TCP stack on each cache hit: measured 10-15% more cached GETs);
# the TCP port serves redis-cli and anyone who prefers it.
redis_start() {
    mkdir -p "$PMS_STACK_DIR/redis"
    proc_spawn "$(redis_pidfile)" "$STACK_LOG_DIR/redis.log" \
        redis-server --bind 127.0.0.1 --port "$STACK_REDIS_PORT" --save '' --appendonly no \
        --unixsocket "$STACK_REDIS_SOCKET" --unixsocketperm 700 --dir "$PMS_STACK_DIR/redis"
    proc_wait_ready "$(redis_pidfile)" "$SERVICES_START_TIMEOUT" redis_ping
}

redis_stop() { proc_stop redis "$(redis_pidfile)"; }
redis_status() { proc_status_line redis "$(redis_pidfile)"; }

# ------------------------------------------------------------ epmd + RabbitMQ

# The Erlang port mapper of this stack only: its own port and address, so the
# stack neither uses nor leaves behind the host's epmd on 4369.
epmd_pidfile() { printf '%s\n' "$STACK_RUN_DIR/epmd.pid"; }
epmd_running() { proc_alive "$(epmd_pidfile)"; }
epmd_answers() { timeout 2 epmd -port "$STACK_EPMD_PORT" -names >/dev/null 2>&1; }

epmd_start() {
    # In the foreground (no -daemon) so that its pid is ours to stop.
    proc_spawn "$(epmd_pidfile)" "$STACK_LOG_DIR/epmd.log" \
        epmd -address 127.0.0.1 -port "$STACK_EPMD_PORT"
    proc_wait_ready "$(epmd_pidfile)" "$SERVICES_START_TIMEOUT" epmd_answers
}

epmd_stop() { proc_stop epmd "$(epmd_pidfile)"; }
epmd_status() { proc_status_line epmd "$(epmd_pidfile)"; }

rabbitmq_dir() { printf '%s\n' "$PMS_STACK_DIR/rabbitmq"; }
rabbitmq_pidfile() { printf '%s\n' "$STACK_RUN_DIR/rabbitmq.pid"; }
# Written by the broker itself once the VM runs (what `rabbitmqctl wait` reads).
rabbitmq_vm_pidfile() { printf '%s\n' "$STACK_RUN_DIR/rabbitmq-vm.pid"; }
# The port base in the node name lets two stacks run side by side.
rabbitmq_node() { printf 'pms%s@localhost\n' "$PMS_STACK_PORT_BASE"; }
rabbitmq_running() { proc_alive "$(rabbitmq_pidfile)"; }

# Exports what both the broker and rabbitmqctl read: every file inside the
# runtime folder (no /etc/rabbitmq, no /var/lib/rabbitmq), the private epmd,
# and HOME for the Erlang cookie that the two share.
rabbitmq_export_env() {
    local dir
    dir=$(rabbitmq_dir)
    export HOME=$dir
    export ERL_EPMD_PORT=$STACK_EPMD_PORT ERL_EPMD_ADDRESS=127.0.0.1
    export RABBITMQ_NODENAME
    RABBITMQ_NODENAME=$(rabbitmq_node)
    export RABBITMQ_CONF_ENV_FILE=$dir/rabbitmq-env.conf
    export RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf
    export RABBITMQ_ADVANCED_CONFIG_FILE=$dir/advanced.config
    export RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
    export RABBITMQ_MNESIA_BASE=$dir/mnesia
    export RABBITMQ_LOG_BASE=$STACK_LOG_DIR/rabbitmq
    export RABBITMQ_PID_FILE
    RABBITMQ_PID_FILE=$(rabbitmq_vm_pidfile)
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$STACK_AMQP_PORT
    export RABBITMQ_DIST_PORT=$STACK_ERL_DIST_PORT
    export RABBITMQ_CTL_DIST_PORT_MIN=$STACK_ERL_CTL_PORT_MIN RABBITMQ_CTL_DIST_PORT_MAX=$STACK_ERL_CTL_PORT_MAX
    # Erlang distribution (broker and CLI) listens on loopback only.
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
    export RABBITMQ_CTL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
}

# rabbitmqctl against this stack's broker. Usage: rabbitmq_ctl ARGS...
rabbitmq_ctl() {
    (
        rabbitmq_export_env
        "$SERVICES_RABBIT_BIN/rabbitmqctl" -n "$RABBITMQ_NODENAME" "$@"
    )
}

# The broker's files, written at every start so they follow the settings.
rabbitmq_write_config() {
    local dir
    dir=$(rabbitmq_dir)
    mkdir -p "$dir" "$STACK_LOG_DIR/rabbitmq"
    # Empty on purpose: it replaces /etc/rabbitmq/rabbitmq-env.conf.
    : >"$dir/rabbitmq-env.conf"
    # No plugins: the management UI would open another port.
    printf '[].\n' >"$dir/enabled_plugins"
    printf '[].\n' >"$dir/advanced.config"
    cat >"$dir/rabbitmq.conf" <<EOF
# Written by scripts/lib/services.sh for the local stack.
listeners.tcp.1 = 127.0.0.1:$STACK_AMQP_PORT
# guest/guest is allowed from loopback only (the default, stated here).
loopback_users.guest = true
log.file.level = info
log.console = false
EOF
}

rabbitmq_start() {
    rabbitmq_write_config
    (
        rabbitmq_export_env
        proc_spawn "$(rabbitmq_pidfile)" "$STACK_LOG_DIR/rabbitmq.log" \
            "$SERVICES_RABBIT_BIN/rabbitmq-server"
    )
    rabbitmq_ctl wait "$(rabbitmq_vm_pidfile)" --timeout "$SERVICES_START_TIMEOUT" >/dev/null
}

rabbitmq_stop() { proc_stop rabbitmq "$(rabbitmq_pidfile)" TERM 60; }
rabbitmq_status() { proc_status_line rabbitmq "$(rabbitmq_pidfile)"; }
rabbitmq_logs() { printf '%s\n' "$STACK_LOG_DIR/rabbitmq.log" "$STACK_LOG_DIR/rabbitmq/$(rabbitmq_node).log"; }

# --------------------------------------------------------------------- s3rver

s3rver_pidfile() { printf '%s\n' "$STACK_RUN_DIR/s3rver.pid"; }
s3rver_running() { proc_alive "$(s3rver_pidfile)"; }
s3rver_answers() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$STACK_S3_PORT/"; }

s3rver_start() {
    [[ -x "$DEPS_S3RVER_BIN" ]] || die "s3rver is not installed (scripts/stack up installs it)"
    mkdir -p "$PMS_STACK_DIR/s3"
    proc_spawn "$(s3rver_pidfile)" "$STACK_LOG_DIR/s3rver.log" \
        "$DEPS_S3RVER_BIN" -a 127.0.0.1 -p "$STACK_S3_PORT" -d "$PMS_STACK_DIR/s3" \
        --configure-bucket "$STACK_S3_BUCKET"
    proc_wait_ready "$(s3rver_pidfile)" "$SERVICES_START_TIMEOUT" s3rver_answers
}

s3rver_stop() { proc_stop s3rver "$(s3rver_pidfile)"; }
s3rver_status() { proc_status_line s3rver "$(s3rver_pidfile)"; }

# ---------------------------------------------------------------------- nginx

nginx_dir() { printf '%s\n' "$STACK_RUN_DIR/nginx"; }
nginx_pidfile() { printf '%s\n' "$STACK_RUN_DIR/nginx.pid"; }
nginx_running() { proc_alive "$(nginx_pidfile)"; }

# Runs nginx on a generated main configuration, with its prefix (the folder of
# MAIN_CONF) and startup error log (LOG_DIR/nginx-error.log) there too: nothing
# in /var/log/nginx or /run.
# Usage: nginx_run MAIN_CONF LOG_DIR [ARGS...]
nginx_run() {
    local conf=$1 log_dir=$2
    shift 2
    nginx -p "$(dirname "$conf")/" -e "$log_dir/nginx-error.log" -c "$conf" "$@"
}

# Writes a main nginx configuration that holds everything process-wide
# (pid, error log, temp folders) and includes the server file(s) given.
# Usage: nginx_write_main_conf OUTPUT PIDFILE ERROR_LOG INCLUDE
nginx_write_main_conf() {
    local output=$1 pidfile=$2 error_log=$3 include=$4 dir
    dir=$(dirname "$output")
    mkdir -p "$dir/temp"
    # Debian's fastcgi_params and mime.types, found next to the main file
    # where nginx resolves relative includes (the folder of -c).
    ln -sfn /etc/nginx/fastcgi_params "$dir/fastcgi_params"
    ln -sfn /etc/nginx/mime.types "$dir/mime.types"
    cat >"$output.tmp" <<EOF
# Generated by scripts/lib/services.sh: the process-wide part of a local nginx.
# The server configuration itself is the included file.

# Workers as root: this nginx serves only 127.0.0.1 and must read root's
# runtime folder (0700 under mktemp) and connect to pms-api's socket.
user root;
# One worker per core of the 2-core machines.
worker_processes 2;
# Backgrounds itself; scripts/stack stops it through this pid file.
daemon on;
pid $pidfile;
error_log $error_log warn;

events {
    # Plenty for local tests and the benchmarks' connection counts.
    worker_connections 1024;
}

http {
    include mime.types;
    default_type application/octet-stream;
    # Temp files inside the runtime folder, not in /var/lib/nginx.
    client_body_temp_path temp/client_body;
    fastcgi_temp_path temp/fastcgi;
    proxy_temp_path temp/proxy;
    uwsgi_temp_path temp/uwsgi;
    scgi_temp_path temp/scgi;
    # The included file sets its own access log.
    access_log off;

    include $include;
}
EOF
    mv -f "$output.tmp" "$output"
}

# Renders the shipped server file nginx/pms.conf.in into DIR for the given
# paths, with a main file around it, and puts the static files it serves into
# DIR/web as the package installs them (cmake/Install.cmake); fails when nginx
# -t rejects them. The stack and the tests' own nginx (scripts/lib/ops.sh) go
# through here. API servers given after PIDFILE (host:port, pms-api on other
# hosts) replace the socket in the upstream, the edit README's multi-host setup
# makes (scripts/cluster's front).
# Usage: nginx_configure DIR LISTEN API_SOCKET LOG_DIR PIDFILE [API_SERVER...]
nginx_configure() {
    local dir=$1 listen=$2 api_socket=$3 log_dir=$4 pidfile=$5 server servers=""
    shift 5
    mkdir -p "$dir" "$log_dir" "$dir/web"
    cp -f "$PMS_REPO_DIR/docs/openapi.yaml" "$PMS_REPO_DIR/docs/reference.html" \
        "$DEPS_REDOC_BUNDLE" "$dir/web/"
    template_render "$PMS_REPO_DIR/nginx/pms.conf.in" "$dir/pms.conf" \
        "PMS_HTTP_LISTEN=$listen" \
        "PMS_API_SOCKET=$api_socket" \
        "PMS_NGINX_LOG_DIR=$log_dir" \
        "PMS_WEB_DIR=$dir/web"
    if (($# > 0)); then
        for server in "$@"; do servers+="    server $server;\\n"; done
        sed -i "s|^    server unix:$api_socket;\$|${servers%\\n}|" "$dir/pms.conf"
        grep -q "^    server $1;\$" "$dir/pms.conf" || die "no upstream server line in $dir/pms.conf"
    fi
    nginx_write_main_conf "$dir/nginx.conf" "$pidfile" "$log_dir/nginx-error.log" "$dir/pms.conf"
    nginx_run "$dir/nginx.conf" "$log_dir" -t -q
}

# The stack's nginx: the shipped file for 127.0.0.1:PMS_STACK_HTTP_PORT and pms-api's socket.
nginx_write_config() {
    nginx_configure "$(nginx_dir)" "127.0.0.1:$PMS_STACK_HTTP_PORT" "$STACK_API_SOCKET" \
        "$STACK_LOG_DIR" "$(nginx_pidfile)" || die "nginx -t rejected $(nginx_dir)/nginx.conf"
}

nginx_start() {
    nginx_write_config
    # nginx reports a failed bind itself, before it goes to the background.
    nginx_run "$(nginx_dir)/nginx.conf" "$STACK_LOG_DIR" || return 1
    proc_wait_until "$SERVICES_START_TIMEOUT" nginx_running
}

# A running nginx re-reads its files (a changed nginx/pms.conf.in takes effect
# at the next `up` without a restart).
nginx_reload() {
    nginx_write_config
    nginx_run "$(nginx_dir)/nginx.conf" "$STACK_LOG_DIR" -s reload
}

# TERM is nginx's fast shutdown: in-flight requests of a local stack do not matter.
nginx_stop() { proc_stop nginx "$(nginx_pidfile)"; }
nginx_status() { proc_status_line nginx "$(nginx_pidfile)"; }

# ------------------------------------------------------------------- dispatch
# The *_start functions run as `if` conditions, where errexit is off: each
# failing step returns explicitly.

# Log files to show when a service fails.
service_logs() {
    case "$1" in
        postgres) postgres_log ;;
        rabbitmq) rabbitmq_logs ;;
        nginx) printf '%s\n' "$STACK_LOG_DIR/nginx-error.log" ;;
        *) printf '%s\n' "$STACK_LOG_DIR/$1.log" ;;
    esac
}

# Starts one service unless it runs already; on failure shows its log and dies.
service_up() {
    local name=$1
    local -a logs
    if "${name}_running"; then
        if [[ "$name" == nginx ]]; then
            nginx_reload || die "nginx did not reload its configuration"
            log_info "nginx already running (configuration reloaded)"
        else
            log_info "$name already running"
        fi
        return 0
    fi
    log_info "starting $name"
    if ! "${name}_start"; then
        mapfile -t logs < <(service_logs "$name")
        log_tail "${logs[@]}"
        die "$name did not start"
    fi
}

services_up() {
    local name
    for name in "${SERVICES[@]}"; do
        service_up "$name"
    done
}

services_down() {
    local i
    for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
        "${SERVICES[i]}_stop"
    done
}

# One line per service; fails when any is stopped.
services_status() {
    local name status=0
    for name in "${SERVICES[@]}"; do
        "${name}_status" || status=1
    done
    return "$status"
}
