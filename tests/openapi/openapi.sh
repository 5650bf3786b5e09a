# shellcheck shell=bash
# The checks of the API's contract, docs/openapi.yaml, for scripts/test:
#   openapi_lint           Redocly's linter (pinned in scripts/lib/deps.sh) with the rules of
#                          tests/openapi/redocly.yaml; any problem fails it
#   openapi_check_answers  every answer the end-to-end tests received (they write them to
#                          openapi_exchange_log) against the document (check_exchanges.py)
#   openapi_check_page     the stack's nginx serves the document as it is in the repository,
#                          and the reference page at /docs lists every operation once headless
#                          Chromium rendered it
#
# Needs log.sh and deps.sh; the last two need the throwaway stack (PMS_STACK_DIR, and
# scripts/test's load_stack_env for PMS_API_URL).

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

# Prints "operationId<TAB>summary" per operation of the document.
openapi_operations() {
    "$OPENAPI_PYTHON" -c '
import sys, yaml
document = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
for item in document["paths"].values():
    for method, operation in item.items():
        if isinstance(operation, dict) and "operationId" in operation:
            print(operation["operationId"] + "\t" + operation["summary"])
' "$OPENAPI_DOCUMENT"
}

# Prints the DOM of URL after headless Chromium rendered it. Only loopback traffic: every other
# host name resolves to nothing, and Chromium's own background requests are off.
openapi_render() {
    local url=$1 profile status=0
    profile=$(mktemp -d "$PMS_STACK_DIR/chromium.XXXXXX")
    # --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
    # --virtual-time-budget: the DOM is dumped once the page had 30 s of (virtual) time
    # to load the document and render it, which takes well under a second of real time.
    timeout --foreground --kill-after=10 120 chromium --headless --no-sandbox --disable-gpu \
        --user-data-dir="$profile" --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --disable-default-apps --disable-extensions \
        --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1' \
        --virtual-time-budget=30000 --dump-dom "$url" 2>"$profile.log" || status=$?
    ((status == 0)) || log_tail "$profile.log"
    rm -rf "$profile" "$profile.log"
    return "$status"
}

openapi_check_page() {
    local dom id summary missing=0
    load_stack_env
    curl -fsS --max-time 10 "$PMS_API_URL/api/v1/openapi.yaml" | cmp -s - "$OPENAPI_DOCUMENT" ||
        die "$PMS_API_URL/api/v1/openapi.yaml is not docs/openapi.yaml"
    dom=$(openapi_render "$PMS_API_URL/docs") || die "chromium could not render $PMS_API_URL/docs"
    # Redoc gives each operation a section (id="operation/<operationId>") headed by its summary.
    while IFS=$'\t' read -r id summary; do
        if ! grep -qF "operation/$id" <<<"$dom" || ! grep -qF "$summary" <<<"$dom"; then
            log_warn "/docs does not list $id ($summary)"
            missing=$((missing + 1))
        fi
    done < <(openapi_operations)
    ((missing == 0)) || die "/docs lists $missing operations of docs/openapi.yaml too few"
    log_info "/docs lists all $(openapi_operations | wc -l) operations"
}
