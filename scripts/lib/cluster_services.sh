# shellcheck shell=bash
# The hosts of scripts/cluster beside the databases and the brokers: cache (Redis), s3
# (s3rver), api1 and api2 (pms-api on TCP), front (nginx with both in its upstream), bridge1
# and bridge2 (pms-bridge), work1 and work2 (pms-worker). Each process runs inside its host's
# namespace in a session of its own, its pid file and log in the host's folder. Besides, the
# image origin the workers download from, on the machine's own address on the bridge: the one
# address their download filter lets through (PMS_FETCH_ALLOW).
#
# Needs cluster.sh, proc.sh, paths.sh (paths_env_line, paths_jwt_secret), template.sh,
# services.sh (nginx_configure), programs.sh (program_binary), origin.sh, deps.sh.

# The API hosts, all in front's upstream.
CLUSTER_API_HOSTS=(api1 api2)
CLUSTER_API_PORT=9000
CLUSTER_REDIS_PORT=6379
CLUSTER_S3_PORT=9000
CLUSTER_S3_BUCKET=pms-images
CLUSTER_ORIGIN_PORT=8180
CLUSTER_ENV_FILE=$CLUSTER_DIR/pms.env
CLUSTER_START_TIMEOUT=60

cluster_pidfile() { printf '%s/%s.pid\n' "$(cluster_host_dir "$1")" "$2"; }
cluster_log() { printf '%s/%s.log\n' "$(cluster_host_dir "$1")" "$2"; }
cluster_alive() { proc_alive "$(cluster_pidfile "$1" "$2")"; }

# Starts CMD inside HOST in a session of its own (`ip netns exec` execs it: the pid file
# holds the program's pid). Usage: cluster_spawn HOST NAME CMD...
cluster_spawn() {
    local host=$1 name=$2
    shift 2
    proc_spawn "$(cluster_pidfile "$host" "$name")" "$(cluster_log "$host" "$name")" \
        ip netns exec "$(cluster_ns "$host")" "$@"
}

# Waits until CMD succeeds while NAME runs on HOST; shows its log and dies otherwise.
# Usage: cluster_wait_ready HOST NAME CMD...
cluster_wait_ready() {
    local host=$1 name=$2
    shift 2
    proc_wait_ready "$(cluster_pidfile "$host" "$name")" "$CLUSTER_START_TIMEOUT" "$@" && return 0
    log_tail "$(cluster_log "$host" "$name")"
    die "$name on $host did not start"
}

cluster_tcp_open() { timeout 2 bash -c "</dev/tcp/$1/$2" 2>/dev/null; }

# The database URL of ROLE: both hosts, and libpq connects to the one that takes writes.
cluster_database_url() {
    printf 'postgresql://%s@%s:5432,%s:5432/pms?target_session_attrs=read-write&connect_timeout=2\n' \
        "$1" "$(cluster_addr db1)" "$(cluster_addr db2)"
}

# The brokers, in order: a program connects to the first that lets it in.
cluster_amqp_urls() {
    local host urls=""
    for host in "${CLUSTER_MQ_HOSTS[@]}"; do
        urls+="${urls:+,}amqp://guest:guest@$(cluster_addr "$host"):5672/%2f"
    done
    printf '%s\n' "$urls"
}

cluster_api_url() { printf 'http://%s\n' "$(cluster_addr front)"; }
cluster_origin_url() { printf 'http://%s:%s\n' "$CLUSTER_GATEWAY" "$CLUSTER_ORIGIN_PORT"; }
cluster_origin_files() { printf '%s/origin\n' "$CLUSTER_DIR"; }
cluster_jwt_secret() { PMS_STACK_DIR=$CLUSTER_DIR paths_jwt_secret; }

# The settings of every program of the cluster (the `env` command prints them too): each
# program reads its own among them. Tuning values keep the caller's setting when exported.
cluster_env_print() {
    local s3
    s3=http://$(cluster_addr s3):$CLUSTER_S3_PORT
    paths_env_line PMS_API_URL "$(cluster_api_url)"
    paths_env_line PMS_DATABASE_URL "$(cluster_database_url postgres)"
    paths_env_line PMS_API_DATABASE_URL "$(cluster_database_url pms_api)"
    paths_env_line PMS_BRIDGE_DATABASE_URL "$(cluster_database_url pms_bridge)"
    paths_env_line PMS_WORKER_DATABASE_URL "$(cluster_database_url pms_worker)"
    paths_env_line PMS_REDIS_URL "redis://$(cluster_addr cache):$CLUSTER_REDIS_PORT/0"
    paths_env_line PMS_AMQP_URL "$(cluster_amqp_urls)"
    paths_env_line PMS_AMQP_QUORUM 1
    paths_env_line PMS_S3_ENDPOINT "$s3"
    paths_env_line PMS_S3_BUCKET "$CLUSTER_S3_BUCKET"
    paths_env_line PMS_S3_REGION us-east-1
    paths_env_line PMS_S3_ACCESS_KEY S3RVER
    paths_env_line PMS_S3_SECRET_KEY S3RVER
    paths_env_line PMS_S3_PUBLIC_URL "$s3/$CLUSTER_S3_BUCKET"
    paths_env_line PMS_JWT_SECRET "$(cluster_jwt_secret)"
    paths_env_line PMS_API_WORKERS "${PMS_API_WORKERS:-2}"
    paths_env_line PMS_WORKER_CONCURRENCY "${PMS_WORKER_CONCURRENCY:-2}"
    paths_env_line PMS_WORKER_RETRY_DELAY "${PMS_WORKER_RETRY_DELAY:-2}"
    # The origin on the machine's address, and nothing else private.
    paths_env_line PMS_FETCH_ALLOW "$CLUSTER_GATEWAY"
    paths_env_line PMS_BRIDGE_POLL_INTERVAL "${PMS_BRIDGE_POLL_INTERVAL:-5}"
    paths_env_line PMS_LOG_LEVEL "${PMS_LOG_LEVEL:-info}"
    # Where the tests and benchmarks put the images the workers download.
    paths_env_line PMS_CLUSTER_ORIGIN_URL "$(cluster_origin_url)"
    paths_env_line PMS_CLUSTER_ORIGIN_DIR "$(cluster_origin_files)"
}

# -------------------------------------------------------------- cache and s3

cluster_redis_ping() {
    [[ "$(timeout 2 redis-cli -h "$(cluster_addr cache)" -p "$CLUSTER_REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

# A cache only, as on one host: no snapshots, no AOF.
cluster_cache_start() {
    cluster_alive cache redis && return 0
    cluster_spawn cache redis redis-server --bind "$(cluster_addr cache)" --port "$CLUSTER_REDIS_PORT" \
        --protected-mode no --save '' --appendonly no --dir "$(cluster_host_dir cache)"
    cluster_wait_ready cache redis cluster_redis_ping
}

cluster_s3_answers() { curl -s -o /dev/null --max-time 2 "http://$(cluster_addr s3):$CLUSTER_S3_PORT/"; }

cluster_s3_start() {
    cluster_alive s3 s3rver && return 0
    mkdir -p "$(cluster_host_dir s3)/data"
    cluster_spawn s3 s3rver "$DEPS_S3RVER_BIN" -a "$(cluster_addr s3)" -p "$CLUSTER_S3_PORT" \
        -d "$(cluster_host_dir s3)/data" --configure-bucket "$CLUSTER_S3_BUCKET"
    cluster_wait_ready s3 s3rver cluster_s3_answers
}

# ------------------------------------------------------------- the programs

# Starts PROGRAM on HOST with the cluster's settings (written at every start, so they follow
# the scripts) and the sanitizer settings of a test build, as scripts/stack starts them.
# Usage: cluster_program_start HOST PROGRAM [PMS_NAME=value...]
cluster_program_start() {
    local host=$1 name=$2 binary dir
    shift 2
    cluster_alive "$host" "$name" && return 0
    binary=$(program_binary "$name") || die "no $name binary in $PMS_BUILD_DIR"
    dir=$(cluster_host_dir "$host")
    cluster_env_print >"$CLUSTER_ENV_FILE.tmp"
    mv -f "$CLUSTER_ENV_FILE.tmp" "$CLUSTER_ENV_FILE"
    (
        set -a
        # shellcheck source=/dev/null # written just above
        source "$CLUSTER_ENV_FILE"
        set +a
        export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:log_path=$dir/asan
        export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=0:log_path=$dir/ubsan
        cluster_spawn "$host" "$name" env "$@" "$binary"
    )
}

# Succeeds when NAME's log on HOST says MESSAGE after its first FROM bytes (those of earlier
# starts). Usage: cluster_log_says HOST NAME FROM MESSAGE
cluster_log_says() { tail -c "+$(($3 + 1))" "$(cluster_log "$1" "$2")" | grep -qF "\"message\":\"$4\""; }
cluster_log_size() { stat -c %s "$(cluster_log "$1" "$2")" 2>/dev/null || echo 0; }

# pms-api on its host's address: nginx on front is the only client (a private network).
cluster_api_start() {
    local addr
    addr=$(cluster_addr "$1")
    cluster_program_start "$1" pms-api "PMS_API_LISTEN=$addr:$CLUSTER_API_PORT" PMS_API_LISTEN_PUBLIC=1
    cluster_wait_ready "$1" pms-api cluster_tcp_open "$addr" "$CLUSTER_API_PORT"
}

# The bridge once it has drained the outbox, the worker once it consumes.
cluster_bridge_start() {
    local from
    cluster_alive "$1" pms-bridge && return 0
    from=$(cluster_log_size "$1" pms-bridge)
    cluster_program_start "$1" pms-bridge
    cluster_wait_ready "$1" pms-bridge cluster_log_says "$1" pms-bridge "$from" "pms-bridge ready"
}

cluster_worker_start() {
    local from
    cluster_alive "$1" pms-worker && return 0
    from=$(cluster_log_size "$1" pms-worker)
    cluster_program_start "$1" pms-worker
    cluster_wait_ready "$1" pms-worker cluster_log_says "$1" pms-worker "$from" consuming
}

# -------------------------------------------------------------------- front

cluster_front_dir() { printf '%s/nginx\n' "$(cluster_host_dir front)"; }
cluster_front_healthy() {
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$(cluster_api_url)/health")" == 200 ]]
}

# The shipped nginx file on port 80 of every address of front (127.0.0.1 there is the host
# itself: not rate limited, as for a load balancer's checks), both APIs in its upstream.
cluster_front_start() {
    local dir host
    local -a servers=()
    dir=$(cluster_front_dir)
    cluster_alive front nginx && return 0
    for host in "${CLUSTER_API_HOSTS[@]}"; do servers+=("$(cluster_addr "$host"):$CLUSTER_API_PORT"); done
    nginx_configure "$dir" 80 "$dir/unused.sock" "$(cluster_host_dir front)" \
        "$(cluster_pidfile front nginx)" "${servers[@]}" || die "nginx -t rejected $dir/nginx.conf"
    cluster_in front nginx -p "$dir/" -e "$(cluster_host_dir front)/nginx-error.log" -c "$dir/nginx.conf" ||
        die "nginx did not start on front"
    cluster_wait_ready front nginx cluster_front_healthy
}

# ------------------------------------------------------------------- origin
# origin.sh's nginx, pointed at the machine's address on the bridge and the cluster's folder.

# shellcheck disable=SC2034 # read by origin.sh's functions that CMD runs
cluster_origin() {
    local STACK_RUN_DIR=$CLUSTER_DIR/run STACK_LOG_DIR=$CLUSTER_DIR
    local STACK_ORIGIN_ADDR=$CLUSTER_GATEWAY STACK_ORIGIN_PORT=$CLUSTER_ORIGIN_PORT
    "$@"
}
cluster_origin_start() { cluster_origin origin_start "$(cluster_origin_files)"; }
cluster_origin_stop() { cluster_origin origin_stop; }

# ------------------------------------------------------------------- status

# One line for a host of this file: its address, what runs there, and whether it is cut off.
cluster_service_status() {
    local host=$1 name=$2 state=stopped
    cluster_alive "$host" "$name" && state=running
    [[ "$(cat "/sys/class/net/vc-$host/operstate" 2>/dev/null)" != down ]] || state+=", cut off"
    printf '%-8s %-12s %s %s\n' "$host" "$(cluster_addr "$host")" "$name" "$state"
}
