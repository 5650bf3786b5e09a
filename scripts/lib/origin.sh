# shellcheck shell=bash
# The test image origin: a tiny nginx on STACK_ORIGIN_ADDR:STACK_ORIGIN_PORT that
# serves a fixtures folder (tests/origin/nginx.conf.in). Its runtime files
# live in the stack's folder, so the stack's cleanup removes them too.
#
# Needs log.sh, paths.sh (paths_init done), proc.sh, template.sh.

origin_dir() { printf '%s\n' "$STACK_RUN_DIR/origin"; }
origin_pidfile() { printf '%s\n' "$(origin_dir)/nginx.pid"; }
origin_url() { printf 'http://%s:%s\n' "$STACK_ORIGIN_ADDR" "$STACK_ORIGIN_PORT"; }
origin_answers() { curl -s -o /dev/null --max-time 2 "$(origin_url)/"; }

# Starts the origin serving FIXTURES_DIR (created when missing).
# Usage: origin_start FIXTURES_DIR
origin_start() {
    local fixtures dir
    fixtures=$(realpath -m "$1")
    dir=$(origin_dir)
    mkdir -p "$fixtures" "$dir"
    origin_stop
    template_render "$PMS_REPO_DIR/tests/origin/nginx.conf.in" "$dir/nginx.conf" \
        "ORIGIN_LISTEN=$STACK_ORIGIN_ADDR:$STACK_ORIGIN_PORT" \
        "ORIGIN_ROOT=$fixtures" \
        "ORIGIN_DIR=$dir" \
        "ORIGIN_LOG_DIR=$STACK_LOG_DIR"
    log_info "starting the image origin on $(origin_url) for $fixtures"
    nginx -p "$dir/" -e "$STACK_LOG_DIR/origin-error.log" -c "$dir/nginx.conf" || {
        log_tail "$STACK_LOG_DIR/origin-error.log"
        die "the image origin did not start"
    }
    proc_wait_until 10 origin_answers || die "the image origin does not answer on $(origin_url)"
}

origin_stop() { proc_stop origin "$(origin_pidfile)"; }
