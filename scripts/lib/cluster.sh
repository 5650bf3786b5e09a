# shellcheck shell=bash
# Hosts of scripts/cluster: each a network namespace on a private bridge, its
# processes started inside it (`ip netns exec`), its data under the cluster's
# folder. The machine reaches them through the bridge's own address; nothing
# else is routed, so traffic stays between the namespaces this script made.
#
# Needs log.sh, paths.sh, proc.sh, services.sh (postgres_as_owner, SERVICES_PG_BIN).

CLUSTER_DIR=$(realpath -m "${PMS_CLUSTER_DIR:-$PMS_REPO_DIR/.cluster}")
CLUSTER_BRIDGE=pmsc0
CLUSTER_NET=10.77.0
# The machine's own address on the bridge.
CLUSTER_GATEWAY=$CLUSTER_NET.1

# The hosts and the last byte of their addresses, in start order.
declare -A CLUSTER_HOST_ID=([db1]=11 [db2]=12 [mq1]=21 [mq2]=22 [mq3]=23 [cache]=31 [s3]=32
    [api1]=41 [api2]=42 [front]=40 [bridge1]=51 [bridge2]=52 [work1]=61 [work2]=62)
CLUSTER_HOSTS=(db1 db2 mq1 mq2 mq3 cache s3 api1 api2 front bridge1 bridge2 work1 work2)
CLUSTER_MQ_HOSTS=(mq1 mq2 mq3)

cluster_ns() { printf 'pmsc-%s\n' "$1"; }
cluster_addr() {
    [[ -n "${CLUSTER_HOST_ID[$1]:-}" ]] || die "no host $1 (hosts: ${CLUSTER_HOSTS[*]})"
    printf '%s.%s\n' "$CLUSTER_NET" "${CLUSTER_HOST_ID[$1]}"
}
cluster_host_dir() { printf '%s/%s\n' "$CLUSTER_DIR" "$1"; }

# Runs a command inside HOST's namespace. Usage: cluster_in HOST CMD...
cluster_in() {
    local host=$1
    shift
    ip netns exec "$(cluster_ns "$host")" "$@"
}

# The bridge with the machine's address on it, once.
cluster_net_up() {
    if ! ip link show "$CLUSTER_BRIDGE" >/dev/null 2>&1; then
        ip link add "$CLUSTER_BRIDGE" type bridge
        ip addr add "$CLUSTER_GATEWAY/24" dev "$CLUSTER_BRIDGE"
    fi
    ip link set "$CLUSTER_BRIDGE" up
}

# HOST's namespace, plugged into the bridge by a veth pair (eth0 inside), once.
cluster_host_up() {
    local host=$1 ns veth
    ns=$(cluster_ns "$host")
    veth=vc-$host
    if ! ip netns list | grep -qx "$ns\( .*\)\{0,1\}"; then
        ip netns add "$ns"
        ip link add "$veth" type veth peer name eth0 netns "$ns"
        ip link set "$veth" master "$CLUSTER_BRIDGE"
        ip -n "$ns" addr add "$(cluster_addr "$host")/24" dev eth0
        ip -n "$ns" link set lo up
        ip -n "$ns" link set eth0 up
    fi
    ip link set "$veth" up
    mkdir -p "$(cluster_host_dir "$host")"
    chmod 0755 "$CLUSTER_DIR" "$(cluster_host_dir "$host")"
}

# Every process of HOST's namespace gets SIGKILL (a host lost at once).
cluster_kill() {
    local -a pids
    mapfile -t pids < <(ip netns pids "$(cluster_ns "$1")" 2>/dev/null)
    ((${#pids[@]} == 0)) || kill -KILL "${pids[@]}" 2>/dev/null || true
}

# HOST cut off from every other (its cable pulled) and back.
cluster_cut() { ip link set "vc-$1" down; }
cluster_heal() { ip link set "vc-$1" up; }

cluster_host_down() {
    local host=$1
    cluster_kill "$host"
    ip link del "vc-$host" 2>/dev/null || true
    ip netns del "$(cluster_ns "$host")" 2>/dev/null || true
}

cluster_net_down() {
    ip link del "$CLUSTER_BRIDGE" 2>/dev/null || true
}

# ------------------------------------------------------------- PostgreSQL
# db1 starts as the primary, db2 as a streaming standby it waits for at every
# commit (synchronous_standby_names), so a committed product is on both; after a
# failover the roles are swapped (cluster_pg_promote, cluster_pg_restart).

cluster_pg_data() { printf '%s/pg\n' "$(cluster_host_dir "$1")"; }
cluster_pg_log() { printf '%s/postgres.log\n' "$(cluster_host_dir "$1")"; }
cluster_pg_sockets() { printf '%s/pg-run\n' "$(cluster_host_dir "$1")"; }

cluster_pg_running() {
    local data
    data=$(cluster_pg_data "$1")
    [[ -f "$data/postmaster.pid" ]] && cluster_in "$1" runuser -u postgres -- \
        "$SERVICES_PG_BIN/pg_ctl" status -D "$data" >/dev/null 2>&1
}

# Starts HOST's PostgreSQL on its address, port 5432, its socket in its folder.
cluster_pg_start() {
    local host=$1 data log
    data=$(cluster_pg_data "$host")
    log=$(cluster_pg_log "$host")
    touch "$log" && chown postgres "$log"
    install -d -o postgres -g postgres -m 0700 "$(cluster_pg_sockets "$host")"
    cluster_pg_running "$host" && return 0
    rm -f "$data/postmaster.pid"  # left by a SIGKILL: the host is new again
    (cd / && cluster_in "$host" runuser -u postgres -- "$SERVICES_PG_BIN/pg_ctl" start -D "$data" \
        -l "$log" -w -t 60 -o "-c listen_addresses=$(cluster_addr "$host") -c port=5432 \
        -c unix_socket_directories=$(cluster_pg_sockets "$host")") >/dev/null ||
        { log_tail "$log"; die "PostgreSQL on $host did not start"; }
}

# The primary, once: trust for the cluster's network (a test cluster; no
# password travels), replication allowed, and the standby waited for.
cluster_pg_init_primary() {
    local data
    data=$(cluster_pg_data db1)
    [[ -f "$data/PG_VERSION" ]] && return 0
    install -d -o postgres -g postgres -m 0700 "$data"
    (cd / && runuser -u postgres -- "$SERVICES_PG_BIN/initdb" -D "$data" -U postgres -E UTF8 \
        --locale=C.UTF-8 --auth=trust) >"$(cluster_pg_log db1)" 2>&1 ||
        { log_tail "$(cluster_pg_log db1)"; die "initdb failed on db1"; }
    cat >"$data/pg_hba.conf" <<EOF
# Written by scripts/lib/cluster.sh: the cluster's private network only.
local all         all                 trust
host  all         all $CLUSTER_NET.0/24 trust
host  replication all $CLUSTER_NET.0/24 trust
EOF
    cat >>"$data/postgresql.conf" <<'EOF'
# scripts/lib/cluster.sh: a commit returns once db2 has flushed it too.
synchronous_standby_names = 'db2'
synchronous_commit = on
wal_keep_size = 256MB
EOF
    chown postgres:postgres "$data/pg_hba.conf" "$data/postgresql.conf"
}

# The standby, once: a base backup of the running primary that follows it.
cluster_pg_init_standby() {
    local data
    data=$(cluster_pg_data db2)
    [[ -f "$data/PG_VERSION" ]] && return 0
    install -d -o postgres -g postgres -m 0700 "$data"
    (cd / && cluster_in db2 runuser -u postgres -- "$SERVICES_PG_BIN/pg_basebackup" -D "$data" -R \
        -X stream -d "host=$(cluster_addr db1) port=5432 user=postgres application_name=db2") \
        >>"$(cluster_pg_log db2)" 2>&1 ||
        { log_tail "$(cluster_pg_log db2)"; die "pg_basebackup failed on db2"; }
}

cluster_pg_up() {
    cluster_pg_init_primary
    cluster_pg_start db1
    cluster_pg_init_standby
    cluster_pg_start db2
    psql -X -q "postgresql://postgres@$(cluster_addr db1):5432/postgres" \
        -c "select 1 from pg_database where datname = 'pms'" -At | grep -q 1 ||
        psql -X -q "postgresql://postgres@$(cluster_addr db1):5432/postgres" -c 'create database pms'
}

# The other host of the database pair.
cluster_pg_peer() {
    case "$1" in
        db1) echo db2 ;;
        db2) echo db1 ;;
        *) die "no database host $1 (db1, db2)" ;;
    esac
}

# psql on HOST's postgres database as the superuser, two seconds to connect.
cluster_pg_sql() {
    psql -X -q -At -v ON_ERROR_STOP=1 "postgresql://postgres@$(cluster_addr "$1"):5432/postgres?connect_timeout=2" \
        -c "$2"
}

cluster_pg_is_primary() { [[ "$(cluster_pg_sql "$1" 'select pg_is_in_recovery()' 2>/dev/null)" == f ]]; }

# Fails over to HOST, the standby: its peer is fenced first (its processes killed, its cable
# pulled) so that two primaries never take writes, then HOST is promoted.
cluster_pg_promote() {
    local host=$1 peer
    peer=$(cluster_pg_peer "$host")
    cluster_pg_is_primary "$host" && die "$host is the primary already"
    cluster_kill "$peer"
    cluster_cut "$peer"
    (cd / && cluster_in "$host" runuser -u postgres -- "$SERVICES_PG_BIN/pg_ctl" promote -w \
        -D "$(cluster_pg_data "$host")") >/dev/null || die "$host could not be promoted"
    # Alone now: waiting for a standby that is gone would stop every commit.
    cluster_pg_sql "$host" "alter system set synchronous_standby_names = ''" >/dev/null
    cluster_pg_sql "$host" 'select pg_reload_conf()' >/dev/null
}

# Starts HOST's PostgreSQL. A former primary whose peer was promoted meanwhile comes back as
# the new primary's standby, never as a second primary: its data (a timeline the new primary
# left) is replaced by a base backup of the new primary, and the new primary waits for it at
# every commit again. (pg_rewind would copy less, but needs wal_log_hints or data checksums.)
cluster_pg_restart() {
    local host=$1 peer data
    peer=$(cluster_pg_peer "$host")
    data=$(cluster_pg_data "$host")
    if [[ -f "$data/standby.signal" ]] || ! cluster_pg_is_primary "$peer"; then
        cluster_pg_start "$host"
        return 0
    fi
    cluster_kill "$host"
    cluster_heal "$host"
    log_info "$host was the primary before $peer: it comes back as $peer's standby"
    rm -rf "$data"
    install -d -o postgres -g postgres -m 0700 "$data"
    (cd / && cluster_in "$host" runuser -u postgres -- "$SERVICES_PG_BIN/pg_basebackup" -D "$data" -R \
        -X stream -d "host=$(cluster_addr "$peer") port=5432 user=postgres application_name=$host") \
        >>"$(cluster_pg_log "$host")" 2>&1 ||
        { log_tail "$(cluster_pg_log "$host")"; die "pg_basebackup from $peer failed on $host"; }
    cluster_pg_start "$host"
    cluster_pg_sql "$peer" "alter system set synchronous_standby_names = '$host'" >/dev/null
    cluster_pg_sql "$peer" 'select pg_reload_conf()' >/dev/null
}

# One line: primary, standby or down.
cluster_pg_status() {
    local host=$1 role
    if role=$(psql -X -At "postgresql://postgres@$(cluster_addr "$host"):5432/postgres?connect_timeout=2" \
        -c "select case when pg_is_in_recovery() then 'standby' else 'primary' end" 2>/dev/null); then
        printf '%-8s %-12s postgres %s\n' "$host" "$(cluster_addr "$host")" "$role"
    else
        printf '%-8s %-12s postgres down or cut off\n' "$host" "$(cluster_addr "$host")"
    fi
}

# --------------------------------------------------------------- RabbitMQ
# mq1, mq2 and mq3: one RabbitMQ cluster. Nodes are named by address (long names), so no host
# name has to resolve; each namespace has its own epmd on the default port.

cluster_mq_dir() { printf '%s/rabbitmq\n' "$(cluster_host_dir "$1")"; }
cluster_mq_node() { printf 'rabbit@%s\n' "$(cluster_addr "$1")"; }

# The environment of HOST's broker and of rabbitmqctl run for it, one NAME=value a line (a
# crash dump of either goes to the broker's log folder, not the current one).
cluster_mq_env() {
    local dir
    dir=$(cluster_mq_dir "$1")
    printf '%s\n' "HOME=$dir" RABBITMQ_USE_LONGNAME=true "RABBITMQ_NODENAME=$(cluster_mq_node "$1")" \
        "RABBITMQ_CONF_ENV_FILE=$dir/rabbitmq-env.conf" "RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf" \
        "RABBITMQ_ADVANCED_CONFIG_FILE=$dir/advanced.config" \
        "RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins" "RABBITMQ_MNESIA_BASE=$dir/mnesia" \
        "RABBITMQ_LOG_BASE=$dir/log" "RABBITMQ_PID_FILE=$dir/rabbit.pid" \
        "RABBITMQ_NODE_IP_ADDRESS=$(cluster_addr "$1")" RABBITMQ_NODE_PORT=5672 \
        "ERL_CRASH_DUMP=$dir/log/erl_crash.dump"
}

# rabbitmqctl for HOST's node, run inside HOST. Usage: cluster_mq_ctl HOST ARGS...
cluster_mq_ctl() {
    local host=$1
    local -a env
    shift
    mapfile -t env < <(cluster_mq_env "$host")
    cluster_in "$host" env "${env[@]}" "$SERVICES_RABBIT_BIN/rabbitmqctl" --longnames \
        -n "$(cluster_mq_node "$host")" "$@"
}

cluster_mq_write_config() {
    local host=$1 dir
    dir=$(cluster_mq_dir "$host")
    mkdir -p "$dir/log"
    : >"$dir/rabbitmq-env.conf"
    printf '[].\n' >"$dir/enabled_plugins"
    printf '[].\n' >"$dir/advanced.config"
    cat >"$dir/rabbitmq.conf" <<EOF
# Written by scripts/lib/cluster.sh.
listeners.tcp.1 = $(cluster_addr "$host"):5672
# guest from the other hosts: a test cluster on its private network.
loopback_users = none
log.file.level = info
log.console = false
EOF
    # One cookie for the whole cluster, made once.
    [[ -f "$CLUSTER_DIR/erlang.cookie" ]] ||
        (umask 077 && od -An -N20 -tx1 /dev/urandom | tr -d ' \n' >"$CLUSTER_DIR/erlang.cookie")
    install -m 0400 "$CLUSTER_DIR/erlang.cookie" "$dir/.erlang.cookie"
}

# The pid file first: rabbitmqctl takes seconds to find that no node runs.
cluster_mq_running() {
    proc_alive "$(cluster_mq_dir "$1")/rabbit.pid" && cluster_mq_ctl "$1" status >/dev/null 2>&1
}

# Starts HOST's broker in the background (its output in its log folder), unless it runs.
cluster_mq_spawn() {
    local host=$1 dir
    local -a env
    cluster_mq_running "$host" && return 0
    cluster_mq_write_config "$host"
    dir=$(cluster_mq_dir "$host")
    mapfile -t env < <(cluster_mq_env "$host")
    cluster_in "$host" env "${env[@]}" setsid "$SERVICES_RABBIT_BIN/rabbitmq-server" \
        >"$dir/log/server.out" 2>&1 </dev/null &
}

cluster_mq_wait() {
    local dir
    dir=$(cluster_mq_dir "$1")
    cluster_mq_ctl "$1" wait "$dir/rabbit.pid" --timeout 120 >/dev/null ||
        { log_tail "$dir/log/server.out"; die "RabbitMQ on $1 did not start"; }
}

cluster_mq_start() {
    cluster_mq_spawn "$1"
    cluster_mq_wait "$1"
}

# The three brokers; mq2 and mq3 join mq1 once (later starts find the cluster in their data).
# All three start at once: a node of a cluster that stopped waits at its start for the others
# it last saw (their tables), so one at a time the first would wait for minutes.
cluster_mq_up() {
    local host
    for host in "${CLUSTER_MQ_HOSTS[@]}"; do cluster_mq_spawn "$host"; done
    for host in "${CLUSTER_MQ_HOSTS[@]}"; do cluster_mq_wait "$host"; done
    for host in mq2 mq3; do
        [[ ! -f "$(cluster_mq_dir "$host")/joined" ]] || continue
        cluster_mq_ctl "$host" stop_app >/dev/null
        cluster_mq_ctl "$host" join_cluster "$(cluster_mq_node mq1)" >/dev/null ||
            die "$host could not join mq1's cluster"
        cluster_mq_ctl "$host" start_app >/dev/null
        : >"$(cluster_mq_dir "$host")/joined"
    done
}

# The nodes HOST's broker sees running, comma-separated (nothing when it does not answer).
cluster_mq_running_nodes() {
    cluster_mq_ctl "$1" cluster_status --formatter json 2>/dev/null |
        jq -r '.running_nodes | sort | join(",")' 2>/dev/null || true
}

cluster_mq_status() {
    local nodes
    nodes=$(cluster_mq_running_nodes "$1")
    if [[ -n "$nodes" ]]; then
        printf '%-8s %-12s rabbitmq running; sees %s\n' "$1" "$(cluster_addr "$1")" "$nodes"
    else
        printf '%-8s %-12s rabbitmq down or cut off\n' "$1" "$(cluster_addr "$1")"
    fi
}
