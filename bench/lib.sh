# shellcheck shell=bash
# What the benchmark scripts share: tools, the stack's settings, seeding, and running wrk and
# pgbench into `"name_rps": N, "name_p50_ms": N, "name_p99_ms": N` JSON fragments.

BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Installs the Debian packages of the given command:package pairs that are missing.
bench_need_tools() {
    local pair missing=()
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
    done
    ((${#missing[@]} == 0)) && return 0
    echo "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Loads the running local stack's settings (PMS_API_URL, PMS_DATABASE_URL, ...).
bench_load_stack_env() {
    local env
    env=$("$BENCH_REPO/scripts/stack" env) || {
        echo "no local stack: run scripts/stack up first" >&2
        return 1
    }
    set -a
    eval "$env"
    set +a
    # The benchmarks act as an admin (any user's products), with a token that outlasts any run.
    PMS_BENCH_TOKEN=$("$BENCH_REPO/scripts/stack" token 1 --admin --ttl 86400)
    export PMS_BENCH_TOKEN
}

# psql as the database owner, stopping at the first error.
bench_psql() { psql -X -q -v ON_ERROR_STOP=1 "${BENCH_DATABASE_URL:-$PMS_DATABASE_URL}" "$@"; }

# Seeds products until the database holds at least $1 (bench/seed-products.sql).
bench_seed_products() {
    local wanted=$1 have
    have=$(bench_psql -tA -c "select count(*) from pms.products")
    ((have >= wanted)) && return 0
    echo "seeding $((wanted - have)) products"
    bench_psql -v users=1000 -v products=$((wanted - have)) -f "$BENCH_REPO/bench/seed-products.sql"
}

# The plain page's settings: its best plan, an index walk of (user_id, id) newest first that stops
# at the 20th row in the price range. The setting api.list_products runs with, because a plan for
# this seller's value (a tenth of the products, all with low ids) is at times a backward scan of
# the primary key through everyone's rows, 5 to 10 tps instead of thousands; and no bitmap scan,
# because the generic plan then often reads all of the seller's rows and sorts them (25 times the
# instructions of the walk, bench/sql/instructions): either made the baseline slow, and it flipped
# between runs with the table's statistics.
# shellcheck disable=SC2034 # read by bench/api/run and bench/sql/instructions
BENCH_PLAIN_LIST_OPTIONS="-c plan_cache_mode=force_generic_plan -c enable_bitmapscan=off"

# What both SQL measurements (bench/api/run, bench/sql/instructions) start from: at least $1
# products, the baseline tables (bench/plain-table.sql), a user of its own for the inserts, and in
# folder $2 each route's plain statement and api function as pgbench scripts: plain_get, fn_get,
# plain_list, fn_list, plain_post, ruled_post, event_post, fn_post, plain_put, ruled_put, event_put,
# fn_put (.sql), the ruled ones on the table with pms.products' rules, the event ones the same
# statement writing its cache.invalidate row into a copy of pms.outbox too. Sets bench_user (the
# seed's big seller, whose newest page the list reads), bench_poster, bench_max_id, and
# bench_id_min and bench_id_max: the longest run of consecutive seeded ids, because an id never
# used (a rolled-back insert) or deleted would be a 404, which is other work.
bench_sql_setup() {
    local dir=$2
    bench_seed_products "$1"
    bench_user=$(bench_psql -tA -c "select min(id) from pms.users where name = 'bench user 1'")
    bench_max_id=$(bench_psql -tA -c "select max(id) from pms.products")
    read -r bench_id_min bench_id_max < <(bench_psql -tA -F ' ' -c "
        select min(id), max(id)
          from (select p.id, p.id - row_number() over (order by p.id) as run
                  from pms.products as p
                  join pms.users as u on u.id = p.user_id
                 where u.name like 'bench user %') as seeded
         group by run
         order by count(*) desc
         limit 1")
    echo "building the plain table"
    bench_psql -v max_id="$bench_max_id" -f "$BENCH_REPO/bench/plain-table.sql" >/dev/null
    # The inserts go to a user of their own: the list reads the seeded seller's products, and
    # thousands of new ones at one price would change what it filters.
    bench_poster=$(bench_psql -tA -c "select (api.create_user(null, true, 'bench poster') ->> 'id')")

    printf '%s\n' "\\set id random($bench_id_min, $bench_id_max)" \
        'select * from pms_bench_plain.products where id = :id;' >"$dir/plain_get.sql"
    printf '%s\n' "\\set id random($bench_id_min, $bench_id_max)" \
        'select api.get_product(:id);' >"$dir/fn_get.sql"
    printf '%s\n' "\\set user $bench_user" \
        'select * from pms_bench_plain.products where user_id = :user and price between 10 and 100 order by id desc limit 20;' \
        >"$dir/plain_list.sql"
    printf '%s\n' "\\set user $bench_user" \
        'select api.list_products(:user, 10, 100, null, 20, null);' >"$dir/fn_list.sql"
    printf '%s\n' "insert into pms_bench_plain.products (user_id, name, description, price, images) values ($bench_poster, 'Bench product', '', 9.99, '{}') returning id;" \
        >"$dir/plain_post.sql"
    printf '%s\n' "insert into pms_bench_plain.ruled (user_id, name, description, price, images) values ($bench_poster, 'Bench product', '', 9.99, '{}') returning id;" \
        >"$dir/ruled_post.sql"
    # The row and its outbox row as the triggers of pms.products write them (an INSERT names its
    # sellers; an UPDATE its product, the new version and the seller), in one statement.
    printf '%s\n' "with p as (insert into pms_bench_plain.ruled (user_id, name, description, price, images) values ($bench_poster, 'Bench product', '', 9.99, '{}') returning user_id) insert into pms_bench_plain.outbox (topic, payload) select 'cache.invalidate', jsonb_build_object('user_ids', jsonb_build_array(p.user_id)) from p returning id;" \
        >"$dir/event_post.sql"
    printf '%s\n' "select api.create_product(null, true, $bench_poster, 'Bench product', null, 9.99, null, null);" \
        >"$dir/fn_post.sql"
    printf '%s\n' "\\set id random($bench_id_min, $bench_id_max)" \
        "update pms_bench_plain.products set name = 'Bench product', description = '', price = 19.99, images = '{}', updated_at = now() where id = :id;" \
        >"$dir/plain_put.sql"
    printf '%s\n' "\\set id random($bench_id_min, $bench_id_max)" \
        "update pms_bench_plain.ruled set name = 'Bench product', description = '', price = 19.99, images = '{}', updated_at = now() where id = :id;" \
        >"$dir/ruled_put.sql"
    printf '%s\n' "\\set id random($bench_id_min, $bench_id_max)" \
        "with p as (update pms_bench_plain.ruled set name = 'Bench product', description = '', price = 19.99, images = '{}', updated_at = now(), version = version + 1 where id = :id returning id, user_id, version) insert into pms_bench_plain.outbox (topic, payload) select 'cache.invalidate', jsonb_build_object('product_id', p.id, 'version', p.version, 'user_ids', jsonb_build_array(p.user_id)) from p returning id;" \
        >"$dir/event_put.sql"
    printf '%s\n' "\\set id random($bench_id_min, $bench_id_max)" \
        "select api.update_product(null, true, :id, 'Bench product', '', 19.99, null, null);" >"$dir/fn_put.sql"
}

# Waits (bounded) until a URL answers 200.
bench_wait_http() {
    local i
    for ((i = 0; i < 50; i++)); do
        curl -sf -o /dev/null "$1" && return 0
        sleep 0.1
    done
    echo "no answer from $1" >&2
    return 1
}

# A latency as wrk prints it (538.00us, 3.04ms, 1.20s) in milliseconds.
bench_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000
        printf "%.3f", n }'
}

# wrk: bench_wrk NAME SECONDS CONNECTIONS URL [wrk options...]
bench_wrk() {
    local name=$1 seconds=$2 connections=$3 url=$4 output rps p50 p99 errors
    shift 4
    output=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" "$url")
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$output")
    p50=$(bench_ms "$(awk '$1 == "50%" {print $2}' <<<"$output")")
    p99=$(bench_ms "$(awk '$1 == "99%" {print $2}' <<<"$output")")
    errors=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$output")
    printf '"%s_rps": %s, "%s_p50_ms": %s, "%s_p99_ms": %s, "%s_errors": %s' \
        "$name" "$rps" "$name" "$p50" "$name" "$p99" "$name" "${errors:-0}"
}

# pgbench with a custom script as the API's role: bench_pgbench NAME SECONDS CLIENTS SCRIPT DIR
# Latency percentiles come from its per-transaction log (a 20% sample). "NAME_wal_bytes": the WAL the
# whole cluster wrote meanwhile per call (pms-bridge's deletes of the outbox rows the calls wrote and
# autovacuum included): what a write costs the WAL flush its commits wait for; "NAME_wal_fpi": the
# full-page images among it per call, which depend on how long ago the last checkpoint was.
bench_pgbench() {
    local name=$1 seconds=$2 clients=$3 script=$4 dir=$5 output tps calls
    local -a percentiles wal
    rm -f "$dir"/pgbench_log.*
    read -r -a wal < <(bench_psql -tA -F ' ' -c "select wal_bytes, wal_fpi from pg_stat_wal")
    output=$(cd "$dir" && /usr/lib/postgresql/15/bin/pgbench -n -M prepared -c "$clients" \
        -j "$((clients < 2 ? clients : 2))" -T "$seconds" -f "$script" -l --sampling-rate=0.2 \
        "${PMS_API_DATABASE_URL:-$PMS_DATABASE_URL}" 2>&1)
    read -r -a wal < <(bench_psql -tA -F ' ' -c "select wal_bytes - ${wal[0]}, wal_fpi - ${wal[1]} from pg_stat_wal")
    tps=$(awk '/^tps = / {print $3; exit}' <<<"$output")
    calls=$(awk '/^number of transactions actually processed: / {print $NF; exit}' <<<"$output")
    mapfile -t percentiles < <(cat "$dir"/pgbench_log.* | awk '{print $3}' | sort -n |
        awk '{v[NR] = $1} END { printf "%.3f\n%.3f\n", v[int(NR * 0.5) + 1] / 1000, v[int(NR * 0.99) + 1] / 1000 }')
    printf '"%s_rps": %s, "%s_p50_ms": %s, "%s_p99_ms": %s, "%s_wal_bytes": %s, "%s_wal_fpi": %s' \
        "$name" "$tps" "$name" "${percentiles[0]}" "$name" "${percentiles[1]}" \
        "$name" "$((wal[0] / calls))" "$name" "$(awk -v f="${wal[1]}" -v n="$calls" 'BEGIN { printf "%.3f", f / n }')"
}

# redis-cli against the stack's Redis (PMS_REDIS_URL: unix:/path or redis://[:pw@]host[:port][/db]).
bench_redis_cli() {
    local url=$PMS_REDIS_URL rest auth=() db=0 hostport
    if [[ "$url" == unix:* ]]; then
        redis-cli -s "${url#unix:}" "$@"
        return
    fi
    rest=${url#redis://}
    if [[ "$rest" == *@* ]]; then
        auth=(-a "${rest%%@*}" --no-auth-warning)
        auth[1]=${auth[1]#:}
        rest=${rest#*@}
    fi
    [[ "$rest" == */* ]] && db=${rest#*/}
    hostport=${rest%%/*}
    redis-cli -h "${hostport%%:*}" -p "${hostport##*:}" -n "${db:-0}" "${auth[@]}" "$@"
}
