# shellcheck shell=bash
# The nginx checks of scripts/test: the shipped server file (nginx/pms.conf.in)
# rendered for the test's own paths, in a private nginx on 127.0.0.1 whose
# upstream socket belongs to the test binary pms-nginx-tests (it plays pms-api
# there, or leaves the socket absent). The test stack is not involved.
#
# Needs log.sh, paths.sh, proc.sh, template.sh, services.sh; OPS_DIR (a folder
# of this run) and OPS_NGINX_PORT set by the caller.

ops_nginx_dir() { printf '%s\n' "$OPS_DIR/nginx"; }
ops_nginx_logs() { printf '%s\n' "$OPS_DIR/logs"; }
ops_nginx_pidfile() { printf '%s\n' "$OPS_DIR/nginx.pid"; }
ops_nginx_url() { printf 'http://127.0.0.1:%s\n' "$OPS_NGINX_PORT"; }
ops_upstream_socket() { printf '%s\n' "$OPS_DIR/upstream.sock"; }

# Renders the shipped file for the test's paths and port; fails when nginx -t
# rejects it.
ops_nginx_configure() {
    nginx_configure "$(ops_nginx_dir)" "127.0.0.1:$OPS_NGINX_PORT" "$(ops_upstream_socket)" \
        "$(ops_nginx_logs)" "$(ops_nginx_pidfile)"
}

ops_nginx_answers() { curl -s -o /dev/null --max-time 2 "$(ops_nginx_url)/"; }

ops_nginx_start() {
    ops_nginx_configure
    log_info "starting nginx with the shipped configuration on $(ops_nginx_url)"
    nginx_run "$(ops_nginx_dir)/nginx.conf" "$(ops_nginx_logs)"
    proc_wait_until 10 ops_nginx_answers || die "nginx does not answer on $(ops_nginx_url)"
}

ops_nginx_stop() { proc_stop ops-nginx "$(ops_nginx_pidfile)"; }
