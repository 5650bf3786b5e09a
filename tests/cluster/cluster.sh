# shellcheck shell=bash
# shellcheck disable=SC2034 # the scenario lists and loads are read by scripts/test
# The steps of `scripts/test cluster`: scripts/cluster's hosts (network namespaces on a private
# bridge) started in a throwaway folder with the test build's programs, then failures under a
# steady load, one at a time (tests/cluster/scenario), each followed by its end check. Each
# step is a function scripts/test runs through run_step. Needs log.sh; CLUSTER_TEST_DIR (this
# run's folder), TEST_BUILD_DIR.

CLUSTER_TEST_DIR=""

# Every scenario in the order they are run, and the default run's subset: the pipeline, the
# request path and the database failover.
CLUSTER_TEST_SCENARIOS_ALL=(work1 api1 bridge1 cache db mq2 mq-leader)
CLUSTER_TEST_SCENARIOS_DEFAULT=(work1 api1 db)
# Products per scenario and per second: all of them (scripts/test cluster) or the default run's.
CLUSTER_TEST_LOAD_ALL=(60 5)
CLUSTER_TEST_LOAD_DEFAULT=(30 5)

cluster_test() {
    PMS_CLUSTER_DIR=$CLUSTER_TEST_DIR PMS_BUILD_DIR=$TEST_BUILD_DIR PMS_CLUSTER_NO_BUILD=1 \
        "$PMS_REPO_DIR/scripts/cluster" "$@"
}

# A throwaway folder the postgres user can reach (mktemp makes 0700 folders).
cluster_test_prepare() {
    CLUSTER_TEST_DIR=$(mktemp -d /tmp/pms-cluster.XXXXXX)
    chmod 0755 "$CLUSTER_TEST_DIR"
}

step_cluster_up() {
    cluster_test up
}

# One scenario under the load; its figures go to the run's results file, one JSON line each.
# Usage: step_cluster_scenario NAME COUNT RATE
step_cluster_scenario() {
    PMS_CLUSTER_DIR=$CLUSTER_TEST_DIR PMS_BUILD_DIR=$TEST_BUILD_DIR \
        "$PMS_REPO_DIR/tests/cluster/scenario" "$@" | tee -a "$CLUSTER_TEST_DIR/results.jsonl"
}

# Stops the cluster and removes its folder (kept when a step failed: KEEP=yes).
cluster_test_teardown() {
    [[ -n "$CLUSTER_TEST_DIR" && -d "$CLUSTER_TEST_DIR" ]] || return 0
    cluster_test down || true
    [[ "${1:-no}" == yes ]] || rm -rf "$CLUSTER_TEST_DIR"
    CLUSTER_TEST_DIR=""
}
