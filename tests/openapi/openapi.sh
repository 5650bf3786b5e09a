# shellcheck shell=bash
# The checks of the API's contract, docs/openapi.yaml, for scripts/test:
#   openapi_lint           Redocly's linter (pinned in scripts/lib/deps.sh) with the rules of
#                          tests/openapi/redocly.yaml; any problem fails it
#   openapi_check_answers  every answer the end-to-end tests received (they write them to
#                          openapi_exchange_log) against the document (check_exchanges.py)
#
# Needs log.sh and deps.sh; the answers need the throwaway stack (PMS_STACK_DIR).

OPENAPI_DIR=$PMS_REPO_DIR/tests/openapi
OPENAPI_DOCUMENT=$PMS_REPO_DIR/docs/openapi.yaml
# Debian's, with python3-yaml and python3-jsonschema (scripts/lib/deps.sh), whichever python3
# comes first in PATH (pyenv's, say, has neither).
OPENAPI_PYTHON=/usr/bin/python3

openapi_lint() {
    [[ -x "$DEPS_REDOCLY_BIN" ]] || die "no $DEPS_REDOCLY_BIN (scripts/lib/deps.sh installs it)"
    # Tests talk to loopback only: Redocly reports usage to its servers and asks npm for a
    # newer version of itself unless told not to.
    REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_TELEMETRY=off \
        timeout --foreground --kill-after=10 120 \
        "$DEPS_REDOCLY_BIN" lint --config "$OPENAPI_DIR/redocly.yaml" --format=stylish \
        "$OPENAPI_DOCUMENT"
}

# Where the end-to-end tests append their exchanges with the API (PMS_E2E_EXCHANGE_LOG).
openapi_exchange_log() { printf '%s\n' "$PMS_STACK_DIR/e2e-exchanges.jsonl"; }

openapi_check_answers() {
    local log
    log=$(openapi_exchange_log)
    [[ -s "$log" ]] || die "no exchanges in $log: did the end-to-end tests run?"
    timeout --foreground --kill-after=10 300 \
        "$OPENAPI_PYTHON" "$OPENAPI_DIR/check_exchanges.py" "$OPENAPI_DOCUMENT" "$log"
}
