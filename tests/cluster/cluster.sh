# shellcheck shell=bash
# The steps of `scripts/test cluster`: scripts/cluster's hosts (network namespaces on a private
# bridge) started in a throwaway folder, then what survives which failure. Each step is a function
# scripts/test runs through run_step. Needs log.sh; CLUSTER_TEST_DIR (this run's folder).

CLUSTER_TEST_DIR=""

cluster_test() { PMS_CLUSTER_DIR=$CLUSTER_TEST_DIR "$PMS_REPO_DIR/scripts/cluster" "$@"; }

# A throwaway folder the postgres user can reach (mktemp makes 0700 folders).
cluster_test_prepare() {
    CLUSTER_TEST_DIR=$(mktemp -d /tmp/pms-cluster.XXXXXX)
    chmod 0755 "$CLUSTER_TEST_DIR"
}

# The database pair only: the brokers take minutes to cluster on a busy machine, and this
# step checks the database's failover.
step_cluster_up() {
    cluster_test up db
}

# A row committed on db1 is on db2 when db1 is lost: db2 is promoted (db1 fenced first), the
# URL naming both hosts finds the new primary, and writes go on there.
step_cluster_db_failover() {
    local url rows server
    url=$(PMS_CLUSTER_DIR=$CLUSTER_TEST_DIR "$PMS_REPO_DIR/scripts/cluster" env |
        sed -n "s/^export PMS_DATABASE_URL=//p")
    url=$(eval "printf '%s' $url")
    [[ "$(psql -X -At "$url" -c "select sync_state from pg_stat_replication where application_name = 'db2'")" == sync ]] ||
        die "db2 is not a synchronous standby of db1"
    psql -X -q "$url" -c "insert into pms.users (name) values ('committed before the failover')"
    cluster_test promote db2
    rows=$(psql -X -At "$url" -c "select count(*) from pms.users where name = 'committed before the failover'")
    [[ "$rows" == 1 ]] || die "the row committed on db1 is not on db2 after the failover ($rows)"
    psql -X -q "$url" -c "insert into pms.users (name) values ('written after the failover')"
    server=$(psql -X -At "$url" -c "select host(inet_server_addr())")
    [[ "$server" == 10.77.0.12 ]] || die "writes went to $server after the failover, not db2"
    log_info "failover: the committed row is on db2, which now takes the writes"
}

# Stops the cluster and removes its folder (kept when a step failed: KEEP=yes).
cluster_test_teardown() {
    [[ -n "$CLUSTER_TEST_DIR" && -d "$CLUSTER_TEST_DIR" ]] || return 0
    cluster_test down || true
    [[ "${1:-no}" == yes ]] || rm -rf "$CLUSTER_TEST_DIR"
    CLUSTER_TEST_DIR=""
}
