# shellcheck shell=bash
# The steps of `scripts/test system` (tests/system/README.md): the README's "Deploy on a host"
# followed inside a booted Debian 12 container (scripts/lib/container.sh), then what an operator
# relies on, checked against the real systemd. Each step is a function that scripts/test runs
# through run_step; they share the container and these variables.
#
# Needs log.sh, container.sh (CONTAINER_STATE_DIR set), token.sh; OPS_DIR (this run's folder)
# and package_deb.

SYSTEM_ADMIN_TOKEN=""
SYSTEM_USER_TOKEN=""
SYSTEM_USER_ID=""
# Inside the container: nginx on port 80 (the README's site), the S3 server and the image origin.
SYSTEM_API=http://127.0.0.1
SYSTEM_S3_PORT=9000
SYSTEM_ORIGIN=http://127.0.0.1:8081

# The origin's image, from the fuzz corpus's fixtures (a small RGB JPEG).
SYSTEM_IMAGE=$PMS_REPO_DIR/tests/fuzz/corpus/image_decode/gen-rgb.jpg

# Fails unless README.md holds this exact line: the commands the steps run are the README's.
system_readme_says() {
    grep -qxF -- "$1" "$PMS_REPO_DIR/README.md" ||
        die "README.md no longer says: $1 (the deployment test follows it: update both)"
}

# The Debian file name of a package: pms_<version>_amd64.deb. Usage: system_deb_name DEB
system_deb_name() {
    printf 'pms_%s_amd64.deb\n' "$(dpkg-deb -f "$1" Version)"
}

# The HS256 secret this run's pms-api checks tokens with.
system_jwt_secret() {
    local file=$CONTAINER_STATE_DIR/jwt-secret
    [[ -s "$file" ]] || (umask 077 && openssl rand -hex 32 >"$file")
    cat "$file"
}

# ------------------------------------------------------------------ boot

step_system_root() {
    log_info "container root: $(container_root "$(package_deb)")"
}

step_system_boot() {
    local dir=$CONTAINER_STATE_DIR
    mkdir -p "$dir/package" "$dir/origin"
    cp "$(package_deb)" "$dir/package/$(system_deb_name "$(package_deb)")"
    cp "$SYSTEM_IMAGE" "$dir/origin/photo.jpg"
    container_boot "$(container_root "$(package_deb)")" \
        "$dir/package:/srv/pms-package" "$dir/origin:/srv/origin"
}

# --------------------------------------------------------------- deploy

# The README's steps 1 to 5, in order, with this host's settings for step 3, installing the
# package in /srv/pms-package.
step_system_deploy() {
    local install="apt-get install ./pms_*_amd64.deb" secret start=$SECONDS
    secret=$(system_jwt_secret)
    system_readme_says "$install"
    system_readme_says "sudo -u postgres psql -c \"create role pms login createrole password 'owner-secret'\""
    system_readme_says "sudo -u postgres createdb -O pms pms"
    system_readme_says "systemctl start pms-migrate && journalctl -u pms-migrate     # what it applied"
    system_readme_says "systemctl enable --now pms.target          # pms-migrate, pms-api.socket, pms-api, pms-bridge"
    system_readme_says "rm /etc/nginx/sites-enabled/default"
    system_readme_says "ln -s /etc/nginx/sites-available/pms.conf /etc/nginx/sites-enabled/pms.conf"
    system_readme_says "nginx -t && systemctl reload nginx"

    container_sh <<SH
# What the host runs besides the package: the S3 server and an image origin.
cat >/etc/systemd/system/s3rver.service <<'UNIT'
[Unit]
Description=S3-compatible server for the deployment test
[Service]
ExecStart=/usr/bin/node /opt/s3rver/node_modules/.bin/s3rver -a 127.0.0.1 -p $SYSTEM_S3_PORT -d /var/lib/s3rver --configure-bucket pms-images
StateDirectory=s3rver
UNIT
cat >/etc/nginx/sites-available/origin.conf <<'CONF'
server {
    listen 127.0.0.1:8081;
    root /srv/origin;
}
CONF
ln -s /etc/nginx/sites-available/origin.conf /etc/nginx/sites-enabled/origin.conf
systemctl daemon-reload
systemctl start s3rver

# 1. Install
cd /srv/pms-package
DEBIAN_FRONTEND=noninteractive $install -y -q

# 2. The database
cd /
sudo -u postgres psql -c "create role pms login createrole password 'owner-secret'"
sudo -u postgres createdb -O pms pms
# Same host: peer authentication maps the OS user pms to the four roles (README).
printf 'pms pms pms\npms pms pms_api\npms pms pms_bridge\npms pms pms_worker\n' \
    >>/etc/postgresql/15/main/pg_ident.conf
sed -i '0,/^local[[:space:]]\+all[[:space:]]\+all/s//local pms pms,pms_api,pms_bridge,pms_worker peer map=pms\n&/' \
    /etc/postgresql/15/main/pg_hba.conf
systemctl reload postgresql

# 3. Settings
set_setting() {  # FILE KEY VALUE: the key's line, commented or not, replaced by one at the end
    grep -v "^#\?\$2=" "\$1" >"\$1.new" || true
    printf '%s=%s\n' "\$2" "\$3" >>"\$1.new"
    cat "\$1.new" >"\$1"
    rm "\$1.new"
}
socket='host=/run/postgresql'
set_setting /etc/pms/migrate.env PMS_DATABASE_URL "\"postgresql:///pms?\$socket&user=pms\""
set_setting /etc/pms/api.env PMS_API_DATABASE_URL "\"postgresql:///pms?\$socket&user=pms_api\""
set_setting /etc/pms/api.env PMS_JWT_SECRET "$secret"
set_setting /etc/pms/bridge.env PMS_BRIDGE_DATABASE_URL "\"postgresql:///pms?\$socket&user=pms_bridge\""
set_setting /etc/pms/worker.env PMS_WORKER_DATABASE_URL "\"postgresql:///pms?\$socket&user=pms_worker\""
set_setting /etc/pms/worker.env PMS_S3_ACCESS_KEY S3RVER
set_setting /etc/pms/worker.env PMS_S3_SECRET_KEY S3RVER
set_setting /etc/pms/worker.env PMS_S3_PUBLIC_URL http://127.0.0.1:$SYSTEM_S3_PORT/pms-images
# The test origin is on this host's loopback, which the download filter refuses otherwise.
set_setting /etc/pms/worker.env PMS_FETCH_ALLOW 127.0.0.1

# 4. Migrate, then start everything
systemctl start pms-migrate && journalctl -u pms-migrate
sudo -u postgres psql -c "alter role pms nocreaterole"
systemctl enable --now pms.target
systemctl enable --now pms-worker@{1..2}

# 5. nginx
rm /etc/nginx/sites-enabled/default
ln -s /etc/nginx/sites-available/pms.conf /etc/nginx/sites-enabled/pms.conf
nginx -t && systemctl reload nginx
for i in \$(seq 100); do
    curl -sf $SYSTEM_API/health && echo && exit 0
    sleep 0.1
done
echo "no answer from $SYSTEM_API/health" >&2
exit 1
SH
    log_info "deployed: from apt-get install to the first answer on port 80 in $((SECONDS - start)) s"
}

# ------------------------------------------------------------- helpers

# curl inside the container: system_curl ARGS... (prints the body; fails on no answer)
system_curl() {
    container_exec curl -s --max-time 10 "$@"
}

# Succeeds when a journal line of UNIT (a pattern like 'pms-worker@*' too) holds every STRING.
# Reads the whole journal first: `journalctl | grep -q` fails under pipefail once grep stops
# reading early. Usage: system_journal_has UNIT STRING...
system_journal_has() {
    local lines string
    lines=$(container_exec journalctl -q -o cat -u "$1")
    shift
    for string in "$@"; do
        lines=$(grep -iF -- "$string" <<<"$lines") || return 1
    done
}

# Mints the tokens and creates the test's user (admins create users).
system_tokens() {
    [[ -z "$SYSTEM_USER_TOKEN" ]] || return 0
    local secret
    secret=$(system_jwt_secret)
    SYSTEM_ADMIN_TOKEN=$(TOKEN_SECRET=$secret token_mint 1 1 3600)
    SYSTEM_USER_ID=$(system_curl -XPOST "$SYSTEM_API/api/v1/users" \
        -H "Authorization: Bearer $SYSTEM_ADMIN_TOKEN" -H 'Content-Type: application/json' \
        -d '{"name": "deployment test"}' | jq -er .id) || die "cannot create a user"
    SYSTEM_USER_TOKEN=$(TOKEN_SECRET=$secret token_mint "$SYSTEM_USER_ID" 0 3600)
}

# POSTs a product with the origin's image; prints "ID REQUEST_ID". Usage: system_create NAME
system_create() {
    local headers id request
    system_tokens
    headers=$(system_curl -D - -o /dev/null -XPOST "$SYSTEM_API/api/v1/products" \
        -H "Authorization: Bearer $SYSTEM_USER_TOKEN" -H 'Content-Type: application/json' \
        -d "{\"product_name\": \"$1\", \"product_price\": 10, \"product_images\": [\"$SYSTEM_ORIGIN/photo.jpg\"]}")
    [[ "$headers" =~ ^HTTP/[0-9.]+\ 201 ]] || die "POST /api/v1/products: $(head -n 1 <<<"$headers")"
    id=$(sed -n 's|^Location: /api/v1/products/\([0-9]*\).*|\1|ip' <<<"$headers" | tr -d '\r')
    request=$(sed -n 's|^X-Request-Id: *\([0-9a-zA-Z-]*\).*|\1|ip' <<<"$headers" | tr -d '\r')
    [[ -n "$id" && -n "$request" ]] || die "no Location or X-Request-Id in: $headers"
    printf '%s %s\n' "$id" "$request"
}

# Waits (bounded) until product ID's images are done; prints the product. Usage: system_wait_done ID
system_wait_done() {
    local product status i
    for ((i = 0; i < 600; i++)); do
        product=$(system_curl -H 'Cache-Control: no-cache' "$SYSTEM_API/api/v1/products/$1")
        status=$(jq -r .image_status <<<"$product" 2>/dev/null) || status=""
        case "$status" in
            done) printf '%s\n' "$product"; return 0 ;;
            failed) die "product $1's image failed: $product" ;;
        esac
        sleep 0.1
    done
    die "product $1's image not done in 60 s: $product"
}

# ----------------------------------------------------------- the checks

# A product through nginx on port 80 gets its compressed image, downloadable from the S3 server;
# its request id is in pms-api's and a worker's journal lines.
step_system_pipeline() {
    local created id request product url type start
    start=$(date +%s%N)
    created=$(system_create "deployed lamp")
    read -r id request <<<"$created"
    product=$(system_wait_done "$id")
    log_info "product $id: its image done $((($(date +%s%N) - start) / 1000000)) ms after the POST"
    url=$(jq -er '.compressed_product_images[0]' <<<"$product")
    type=$(system_curl -o /dev/null -w '%{http_code} %{content_type}' "$url")
    [[ "$type" == "200 image/jpeg" ]] || die "GET $url: $type"
    log_info "product $id: image at $url"
    system_journal_has pms-api "\"request_id\":\"$request\"" ||
        die "no pms-api journal line carries request id $request"
    system_journal_has 'pms-worker@*' "\"request_id\":\"$request\"" '"message":"image stored"' ||
        die "no pms-worker journal line 'image stored' carries request id $request"
}

# Every unit the README starts is active (pms-migrate: its one shot succeeded).
step_system_units() {
    local unit state
    for unit in pms.target pms-api.socket pms-api.service pms-bridge.service \
        pms-worker@1.service pms-worker@2.service; do
        state=$(container_exec systemctl is-active "$unit") || true
        [[ "$state" == active ]] || die "$unit is $state"
    done
    state=$(container_exec systemctl show -P Result pms-migrate.service)
    [[ "$state" == success ]] || die "pms-migrate's result: $state"
}

# With pms-api stopped and its socket listening, a request through nginx starts it.
step_system_socket() {
    container_exec systemctl stop pms-api.service
    [[ "$(container_exec systemctl is-active pms-api.socket)" == active ]] ||
        die "pms-api.socket stopped with the service"
    local code
    code=$(system_curl -o /dev/null -w '%{http_code}' "$SYSTEM_API/health")
    [[ "$code" == 200 ]] || die "GET /health with pms-api stopped: $code"
    [[ "$(container_exec systemctl is-active pms-api.service)" == active ]] ||
        die "the request did not start pms-api.service"
}

# Sends SIGNAL to UNIT's main process and waits (bounded) until systemd has started it again
# (NRestarts grows and the unit is active). Usage: system_signal_restarts UNIT SIGNAL SECONDS
system_signal_restarts() {
    local unit=$1 signal=$2 seconds=$3 before after pid i
    before=$(container_exec systemctl show -P NRestarts "$unit")
    pid=$(container_exec systemctl show -P MainPID "$unit")
    ((pid > 0)) || die "$unit has no main process"
    container_exec kill "-$signal" "$pid"
    for ((i = 0; i < seconds * 10; i++)); do
        after=$(container_exec systemctl show -P NRestarts "$unit")
        ((after > before)) && [[ "$(container_exec systemctl is-active "$unit")" == active ]] && return 0
        sleep 0.1
    done
    die "$unit was not restarted within $seconds s of SIG$signal (NRestarts $before -> $after)"
}

# Under a steady load of product creations with images, pms-bridge and a worker killed with
# SIGKILL are restarted by systemd, and every product created gets its image: the outbox rows
# wait for the bridge, and the worker's unacknowledged jobs are delivered again.
step_system_kill() {
    local lines id
    local -a ids
    system_load_start images
    sleep 2
    system_signal_restarts pms-bridge.service KILL 30
    sleep 1
    system_signal_restarts pms-worker@1.service KILL 30
    sleep 2
    lines=$(system_load_stop)
    system_load_check "$lines" 10 "around the kills"
    mapfile -t ids < <(sed -n 's|^201 POST /api/v1/products/\([0-9]*\).*|\1|p' <<<"$lines")
    for id in "${ids[@]}"; do
        system_wait_done "$id" >/dev/null
    done
    log_info "all ${#ids[@]} products created around the kills have their image"
}

# A worker that stops answering (SIGSTOP) is killed by the watchdog and started again. The unit's
# WatchdogSec=60s is shortened for this check by a runtime drop-in, so the step stays short; what
# is tested is systemd's handling of a frozen worker with the unit's own TimeoutAbortSec=.
step_system_watchdog() {
    local unit=pms-worker@2.service
    container_sh <<SH
mkdir -p /run/systemd/system/$unit.d
printf '[Service]\nWatchdogSec=3s\n' >/run/systemd/system/$unit.d/watchdog-test.conf
systemctl daemon-reload
systemctl restart $unit
SH
    system_signal_restarts "$unit" STOP 60
    system_journal_has "$unit" 'watchdog timeout' ||
        die "$unit restarted, but its journal does not say the watchdog did it"
    container_sh <<SH
rm -r /run/systemd/system/$unit.d
systemctl daemon-reload
SH
}

# Starts a steady load through nginx inside the container (a transient unit, not named pms-*:
# the sandbox drop-in of every pms- unit would apply to it), until system_load_stop or 120 s.
# MODE reads: 4 clients, each a GET of product READ_ID (from PostgreSQL, not the cache) and a
# POST without images in turn; MODE images: 2 clients POSTing products with the origin's image,
# each pausing 0.1 s between them.
# Each request writes "STATUS METHOD LOCATION". Usage: system_load_start MODE [READ_ID]
system_load_start() {
    local mode=$1 read_id=${2:-} clients=4 get="" pause=""
    local body='{"product_name": "load", "product_price": 1}'
    system_tokens
    if [[ "$mode" == images ]]; then
        # About 15 products a second: a backlog the two workers clear within seconds.
        clients=2
        pause="sleep 0.1"
        body="{\"product_name\": \"load\", \"product_price\": 1, \"product_images\": [\"$SYSTEM_ORIGIN/photo.jpg\"]}"
    else
        get="curl -s -o /dev/null --max-time 30 -w '%{http_code} GET\\n' -H 'Cache-Control: no-cache' $SYSTEM_API/api/v1/products/$read_id"
    fi
    container_exec tee /root/load.sh >/dev/null <<SH
#!/bin/bash
end=\$((SECONDS + 120))
client() {
    while [[ ! -e /root/load.stop ]] && ((SECONDS < end)); do
        $get
        curl -s -o /dev/null --max-time 30 -w '%{http_code} POST %header{location}\\n' -XPOST \\
            -H 'Authorization: Bearer $SYSTEM_USER_TOKEN' -H 'Content-Type: application/json' \\
            -d '$body' $SYSTEM_API/api/v1/products
        $pause
    done >"/root/load.\$1"
}
for c in \$(seq $clients); do client "\$c" & done
wait
SH
    container_exec rm -f /root/load.stop /root/load.{1..4}
    container_exec systemd-run -q --unit=test-load --collect /bin/bash /root/load.sh
}

# Stops the load and prints what each request got, one line each.
system_load_stop() {
    local i
    container_exec touch /root/load.stop
    for ((i = 0; i < 600; i++)); do
        [[ "$(container_exec systemctl is-active test-load.service)" != active ]] && break
        sleep 0.1
    done
    container_exec sh -c 'cat /root/load.[1-4]'
}

# Fails unless every request of a load's LINES was answered 200 or 201, and there were at least
# MIN of them. Usage: system_load_check LINES MIN WHAT
system_load_check() {
    local total bad
    total=$(grep -c . <<<"$1") || true
    bad=$(grep -cvE '^(200 GET|201 POST .*)$' <<<"$1") || true
    log_info "$total requests $3; not answered 200/201: $bad"
    ((total >= $2)) || die "only $total requests ran $3"
    ((bad == 0)) || die "failed requests: $(grep -vE '^(200 GET|201 POST .*)$' <<<"$1" | sort | uniq -c | tr '\n' ';')"
}

# Under a steady load of reads and writes through nginx, `systemctl reload pms-api` (a rolling
# restart of its children) and `systemctl restart pms-api` (a new master; the socket keeps the
# waiting connections) fail no request.
step_system_reload_restart() {
    local id pid_before pid_after i
    id=$(system_create "under load")
    system_load_start reads "${id%% *}"
    sleep 2
    container_exec systemctl reload pms-api.service
    for ((i = 0; i < 300; i++)); do
        system_journal_has pms-api '"message":"rolling restart done"' && break
        sleep 0.1
    done
    system_journal_has pms-api '"message":"rolling restart done"' ||
        die "pms-api did not finish its rolling restart in 30 s"
    sleep 1
    pid_before=$(container_exec systemctl show -P MainPID pms-api.service)
    container_exec systemctl restart pms-api.service
    pid_after=$(container_exec systemctl show -P MainPID pms-api.service)
    [[ "$pid_after" != "$pid_before" ]] || die "systemctl restart kept pms-api's process $pid_before"
    sleep 2
    system_load_check "$(system_load_stop)" 100 "during the reload and the restart"
}

# A program that cannot start (a broken settings file) ends failed after its start limit (5
# starts in 2 minutes), and the journal says why.
step_system_start_limit() {
    local unit=pms-bridge.service i
    container_exec cp /etc/pms/bridge.env /root/bridge.env.good
    container_exec sed -i 's|^PMS_BRIDGE_DATABASE_URL=.*|PMS_BRIDGE_DATABASE_URL=|' /etc/pms/bridge.env
    container_exec systemctl restart "$unit" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do
        system_journal_has "$unit" 'Start request repeated too quickly' &&
            break
        sleep 0.2
    done
    [[ "$(container_exec systemctl is-failed "$unit")" == failed ]] || die "$unit is not failed"
    system_journal_has "$unit" 'Start request repeated too quickly' ||
        die "$unit did not reach its start limit in 60 s"
    system_journal_has "$unit" '"message":"invalid configuration"' 'PMS_BRIDGE_DATABASE_URL must be set' ||
        die "the journal does not name the bad setting"
    container_exec cp /root/bridge.env.good /etc/pms/bridge.env
    container_exec systemctl reset-failed "$unit"
    container_exec systemctl start "$unit"
    [[ "$(container_exec systemctl is-active "$unit")" == active ]] || die "$unit did not start again"
}

# systemd-analyze security in the booted system: pms-api at the exposure the README claims, every
# unit at most 2.0 (the band systemd calls "OK", which sandbox.conf promises).
step_system_security() {
    local unit score claimed bound
    claimed=$(sed -n 's/.*rates it \([0-9.]*\) ("OK").*/\1/p' "$PMS_REPO_DIR/README.md" | head -n 1)
    [[ -n "$claimed" ]] || die "README.md states no systemd-analyze security figure for pms-api"
    for unit in pms-api.service pms-bridge.service pms-worker@1.service pms-migrate.service; do
        score=$(container_exec systemd-analyze security --no-pager "$unit" |
            sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
        [[ -n "$score" ]] || die "no exposure level for $unit"
        bound=2.0
        [[ "$unit" != pms-api.service ]] || bound=$claimed
        log_info "$unit: exposure $score (at most $bound)"
        awk -v s="$score" -v b="$bound" 'BEGIN { exit !(s <= b) }' ||
            die "$unit's exposure $score is above $bound"
    done
}

# From inside a running worker's mount namespace, even root cannot write anywhere on the file
# system (ProtectSystem=strict, ProtectHome=); only its private /tmp and /var/tmp are writable.
step_system_sandbox() {
    local pid path
    pid=$(container_exec systemctl show -P MainPID pms-worker@1.service)
    ((pid > 0)) || die "pms-worker@1 has no main process"
    container_exec nsenter -t "$pid" -m sh -c 'echo x >/tmp/pms-sandbox-probe' ||
        die "the probe cannot write even to the worker's private /tmp: the check proves nothing"
    for path in / /etc /usr /var/lib /var/log /opt /srv /run /run/pms /home /root; do
        if container_exec nsenter -t "$pid" -m sh -c "echo x >'$path/pms-sandbox-probe'" 2>/dev/null; then
            container_exec nsenter -t "$pid" -m findmnt -T "$path" >&2 || true
            die "a process in pms-worker's mount namespace could write to $path"
        fi
    done
}

# apt-get purge removes what the README says: the package's files, the settings, the user.
step_system_purge() {
    container_exec systemctl disable --now pms.target 'pms-worker@1' 'pms-worker@2' >/dev/null 2>&1 || true
    container_exec env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q pms >/dev/null
    local path
    for path in /usr/sbin/pms-api /usr/share/pms /etc/pms /lib/systemd/system/pms-api.service \
        /etc/nginx/sites-available/pms.conf; do
        if container_exec test -e "$path"; then die "still there after purge: $path"; fi
    done
    if container_exec getent passwd pms >/dev/null; then die "the user pms is still there after purge"; fi
}

# The version of the pms package installed in the container.
system_installed_version() {
    # shellcheck disable=SC2016 # ${Version} is dpkg-query's field, not the shell's
    container_exec dpkg-query -W -f='${Version}' pms
}

# The package of the commit before HEAD, built once per commit in a clone of its own under the
# cache folder (incremental from the last one it built); prints its path.
system_previous_package() {
    local dir=$CONTAINER_CACHE_DIR/previous sha deb
    sha=$(git -C "$PMS_REPO_DIR" rev-parse HEAD~1) || die "no commit before HEAD to upgrade from"
    deb=$dir/pms-$sha.deb
    mkdir -p "$dir"
    # Two runs on one machine (CI and a developer) share the clone and the build folder.
    local lock
    exec {lock}>"$dir/.lock"
    flock -w 1200 "$lock" || die "another run held $dir/.lock for 20 minutes"
    if [[ ! -f "$deb" ]]; then
        [[ -d "$dir/src/.git" ]] || git clone -q --no-checkout "$PMS_REPO_DIR" "$dir/src" >&2
        git -C "$dir/src" fetch -q "$PMS_REPO_DIR" HEAD >&2
        git -C "$dir/src" checkout -q --detach "$sha" >&2
        log_info "building the package of the previous commit ${sha:0:8} in $dir/build"
        (PMS_REPO_DIR=$dir/src build_project "$dir/build" -DCMAKE_BUILD_TYPE=Release \
            -DBUILD_TESTING=OFF -DCMAKE_INSTALL_PREFIX=/usr) >"$dir/build.log" 2>&1 ||
            { log_tail "$dir/build.log"; die "the previous commit's build failed"; }
        rm -f "$dir"/build/*.deb "$dir"/pms-*.deb
        (cd "$dir/build" && cpack -G DEB) >"$dir/cpack.log" 2>&1 ||
            { log_tail "$dir/cpack.log"; die "cpack failed for the previous commit"; }
        mv "$dir"/build/pms_*_amd64.deb "$deb"
    fi
    exec {lock}>&-
    printf '%s\n' "$deb"
}

# The upgrade an operator makes (README, "Upgrade"): a fresh host deployed with the previous
# commit's package and holding a product, then this package installed over it and pms.target
# restarted. The settings files stay as they were, the migration runs again, the product is
# still there, and a new one gets its image.
step_system_upgrade() {
    local previous dir=$CONTAINER_STATE_DIR before after id new_version migrations
    system_readme_says "**Upgrade.** Install the new package, then \`systemctl restart pms.target\`: the migration runs first,"
    previous=$(system_previous_package)
    container_stop
    rm -rf "$dir/package" "$dir/new"
    mkdir -p "$dir/package" "$dir/new"
    cp "$previous" "$dir/package/$(system_deb_name "$previous")"
    cp "$(package_deb)" "$dir/new/$(system_deb_name "$(package_deb)")"
    container_boot "$(container_root "$(package_deb)")" \
        "$dir/package:/srv/pms-package" "$dir/new:/srv/pms-new" "$dir/origin:/srv/origin"
    step_system_deploy
    log_info "deployed the previous commit's $(system_installed_version)"
    id=$(system_create "before the upgrade")
    id=${id%% *}
    system_wait_done "$id" >/dev/null
    before=$(container_exec sha256sum /etc/pms/api.env /etc/pms/bridge.env /etc/pms/worker.env \
        /etc/pms/migrate.env)
    migrations=$(container_exec journalctl -q -o cat -u pms-migrate | grep -c 'Finished pms-migrate') || true

    container_sh <<'SH'
cd /srv/pms-new
DEBIAN_FRONTEND=noninteractive apt-get install -y -q ./pms_*_amd64.deb
systemctl restart pms.target
for i in $(seq 100); do
    curl -sf -o /dev/null http://127.0.0.1/health && exit 0
    sleep 0.1
done
echo "no answer on port 80 after the upgrade" >&2
exit 1
SH
    new_version=$(dpkg-deb -f "$(package_deb)" Version)
    [[ "$(system_installed_version)" == "$new_version" ]] ||
        die "after the upgrade dpkg says pms $(system_installed_version)"
    after=$(container_exec sha256sum /etc/pms/api.env /etc/pms/bridge.env /etc/pms/worker.env \
        /etc/pms/migrate.env)
    [[ "$after" == "$before" ]] || die "the upgrade changed the settings files"
    (($(container_exec journalctl -q -o cat -u pms-migrate | grep -c 'Finished pms-migrate') > migrations)) ||
        die "pms-migrate did not run again on restart"
    [[ "$(system_curl -H 'Cache-Control: no-cache' "$SYSTEM_API/api/v1/products/$id" | jq -r .image_status)" == "done" ]] ||
        die "product $id is not there (with its image) after the upgrade"
    id=$(system_create "after the upgrade")
    system_wait_done "${id%% *}" >/dev/null
    log_info "upgraded to $new_version: settings untouched, migration run, products kept"
}

step_system_stop() {
    container_stop
}
