#!/usr/bin/env bash
# db/migrate's own tests, against a real PostgreSQL: it refuses an applied migration whose file
# changed and two migrations with one number, changing nothing; two runs at once apply everything
# once; and migration 0015, which changes column types, upgrades a database that has rows. Each
# case runs a copy of db/ (so that it may change the copy's migrations) on a database of its own,
# created here and dropped at the end.
#
# Usage: PMS_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pms db/tests/migrate.sh
#   PMS_DATABASE_URL: any database of the cluster, as a role that may create databases and roles
#   (scripts/test's sql part runs it on the throwaway stack). Prints one TAP line per check and
#   exits 1 when one failed.
set -euo pipefail

readonly LOCK_KEY=7368051 # db/migrate's advisory lock
db_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
admin_url=${PMS_DATABASE_URL:?set PMS_DATABASE_URL to a database of the cluster to test on}
# The cases' databases: the same URL with another database name.
[[ "$admin_url" =~ ^(postgres(ql)?://[^/?]*)(/[^?]*)?(\?.*)?$ ]] ||
    { echo "migrate.sh: PMS_DATABASE_URL is not a postgresql:// URI" >&2; exit 2; }
url_start=${BASH_REMATCH[1]}
url_query=${BASH_REMATCH[4]}

work=$(mktemp -d "${TMPDIR:-/tmp}/pms-migrate-test.XXXXXX")
databases=()
admin_sql() {
    PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$admin_url" "$@"
}
cleanup() {
    local database
    for database in "${databases[@]}"; do
        admin_sql -c "drop database if exists $database with (force)" || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

checks=0
failures=0
# check DESCRIPTION COMMAND...: one TAP line for whether COMMAND succeeds.
check() {
    local description=$1
    shift
    checks=$((checks + 1))
    if "$@"; then
        echo "ok $checks - $description"
    else
        echo "not ok $checks - $description"
        failures=$((failures + 1))
    fi
}

# A case: a fresh database and a fresh copy of db/ (CASE_DIR; CASE_URL reaches its database).
new_case() {
    local database=pms_migrate_test_$1
    echo "# $1"
    admin_sql -c "drop database if exists $database with (force)" -c "create database $database"
    databases+=("$database")
    CASE_URL=$url_start/$database$url_query
    CASE_DIR=$work/$1
    mkdir -p "$CASE_DIR"
    cp -a "$db_dir/migrate" "$db_dir/migrations" "$db_dir/functions" "$db_dir/triggers" "$CASE_DIR/"
}

# Runs the case's db/migrate with ARGS, its output into OUTPUT_FILE; prints its exit status.
migrate() {
    local output=$1 status=0
    shift
    timeout 120 "$CASE_DIR/migrate" --database-url "$CASE_URL" "$@" >"$output" 2>&1 || status=$?
    echo "$status"
}

sql() {
    psql -X -q -At "$CASE_URL" -c "$1"
}

contains() {
    grep -qF -- "$2" "$1" || { echo "# $1 lacks: $2" && sed 's/^/#   /' "$1"; return 1; }
}

equals() {
    [[ "$1" == "$2" ]] || { echo "# got '$1', want '$2'"; return 1; }
}

migration_count() {
    find "$CASE_DIR/migrations" -name '*.sql' | wc -l
}

# ---------------------------------------------------------------- a changed migration

new_case changed
equals "$(migrate "$work/first.out")" 0 || { sed 's/^/#   /' "$work/first.out"; exit 1; }
applied=$(sql 'select count(*) from pms.schema_migrations')
cp "$CASE_DIR/migrations/0001_schema.sql" "$work/0001_schema.sql"
echo '-- an edit after the fact' >>"$CASE_DIR/migrations/0001_schema.sql"
echo 'create table pms.migrate_test_probe ();' >"$CASE_DIR/migrations/9990_probe.sql"

check "a changed applied migration is refused" equals "$(migrate "$work/changed.out")" 1
check "the refusal says nothing was applied" contains "$work/changed.out" \
    "refusing to migrate, nothing was applied"
check "the refusal names the file" contains "$work/changed.out" \
    "db/migrations/0001_schema.sql changed after it was applied"
check "the refusal gives both checksums" contains "$work/changed.out" \
    "file sha256 $(sha256sum "$CASE_DIR/migrations/0001_schema.sql" | cut -d' ' -f1)"
check "nothing was recorded" equals "$(sql 'select count(*) from pms.schema_migrations')" "$applied"
check "the pending migration did not run" \
    equals "$(sql "select to_regclass('pms.migrate_test_probe') is null")" t
check "--status exits 1 on a changed migration" equals "$(migrate "$work/status.out" --status)" 1
check "--status shows it changed" contains "$work/status.out" "changed  0001_schema.sql"

cp "$work/0001_schema.sql" "$CASE_DIR/migrations/0001_schema.sql"
check "with the file restored the run goes on" equals "$(migrate "$work/restored.out")" 0
check "and applies the pending migration" contains "$work/restored.out" "applied          9990_probe.sql"

# ---------------------------------------------------------------- two migrations, one number

new_case duplicate
echo 'create table pms.migrate_test_one ();' >"$CASE_DIR/migrations/9991_one.sql"
echo 'create table pms.migrate_test_two ();' >"$CASE_DIR/migrations/9991_two.sql"
check "two migrations with one number are refused (usage error)" \
    equals "$(migrate "$work/duplicate.out")" 2
check "the refusal names the number" contains "$work/duplicate.out" \
    "two migrations share the number(s): 9991"
check "before touching the database" \
    equals "$(sql "select to_regclass('pms.schema_migrations') is null")" t

# ---------------------------------------------------------------- two runs at once

# Both runs start while a third session holds db/migrate's lock, so both find it taken; when that
# session ends, one applies everything and the other, once it has the lock, finds nothing to do.
new_case concurrent
mkfifo "$work/holder.in"
psql -X -q -v ON_ERROR_STOP=1 "$CASE_URL" <"$work/holder.in" >"$work/holder.out" 2>&1 &
holder=$!
exec 3>"$work/holder.in"
echo "select pg_advisory_lock($LOCK_KEY);" >&3

# Waits (10 s at most) until COUNT sessions wait for the lock and one holds it.
lock_queue_is() {
    local i
    for ((i = 0; i < 100; i++)); do
        [[ "$(sql "select count(*) filter (where granted) || ' ' || count(*) filter (where not granted)
                     from pg_locks
                    where locktype = 'advisory' and objid = $LOCK_KEY
                      and database = (select oid from pg_database where datname = current_database())")" \
            == "1 $1" ]] && return 0
        sleep 0.1
    done
    echo "# the lock's queue never became: 1 holder, $1 waiting"
    return 1
}

check "a third session holds the lock" lock_queue_is 0
# 3>&-: the runs must not keep the holder's input open.
migrate "$work/run1.out" >"$work/run1.status" 3>&- &
run1=$!
migrate "$work/run2.out" >"$work/run2.status" 3>&- &
run2=$!
check "both runs wait for it" lock_queue_is 2
exec 3>&- # the holder's psql reads EOF, ends its session and so releases the lock
wait "$holder" || true
wait "$run1" "$run2" || true

check "the first run succeeds" equals "$(cat "$work/run1.status")" 0
check "the second run succeeds" equals "$(cat "$work/run2.status")" 0
for run in run1 run2; do
    check "$run said it was waiting" contains "$work/$run.out" \
        "another db/migrate is running on this database; waiting for it to finish"
done
applied_by=$(grep -lF "applied          0001_schema.sql" "$work/run1.out" "$work/run2.out" || true)
check "exactly one run applied the migrations" equals "$(echo "$applied_by" | grep -c .)" 1
other=$work/run1.out
[[ "$applied_by" != "$other" ]] || other=$work/run2.out
check "the other found them applied" contains "$other" "already applied  0001_schema.sql"
check "and changed nothing" contains "$other" "db/migrate: done, nothing changed"
check "every migration is recorded once" \
    equals "$(sql 'select count(distinct filename) from pms.schema_migrations')" "$(migration_count)"

# ---------------------------------------------------------------- rules as domains, with rows in place

# Migration 0015 changes the columns of products and outbox to domains: on a database already in
# use, it keeps every row, recreates the triggers and the view that the change of type drops, and
# the rules still hold.
new_case domains
mv "$CASE_DIR/migrations/0015_rules_as_domains.sql" "$work/0015_rules_as_domains.sql"
equals "$(migrate "$work/before.out")" 0 || { sed 's/^/#   /' "$work/before.out"; exit 1; }
sql "insert into pms.users (name) values ('domains');
     insert into pms.products (user_id, name, description, price, images)
     select max(id), 'with images', 'kept', 12.5, array['http://a.test/1.jpg', 'https://a.test/2.jpg']
       from pms.users;"
rows_before=$(sql "select md5(string_agg(format('%s %s %s %s %s %s', p.id, p.name, p.description, p.price,
                                                p.images, p.version), ',' order by p.id))
                     from pms.products as p")
outbox_before=$(sql "select string_agg(topic || ' ' || events, ',' order by topic) from pms.outbox_backlog")
# db/migrate recreates every trigger after the migrations, in a transaction of its own: the
# migration must leave none missing in between.
check "0015 by itself recreates the triggers whose WHEN reads a changed column" equals "$(psql -X -q -At \
        -v ON_ERROR_STOP=1 "$CASE_URL" <<SQL
begin;
\\i $work/0015_rules_as_domains.sql
select string_agg(tgname, ',' order by tgname) from pg_trigger
 where tgrelid = 'pms.products'::regclass and tgqual is not null;
rollback;
SQL
)" "products_sync_image_jobs_insert,products_sync_image_jobs_update"
mv "$work/0015_rules_as_domains.sql" "$CASE_DIR/migrations/"
check "0015 applies to a database with products" equals "$(migrate "$work/domains.out")" 0
check "and keeps every product as it was" equals "$(sql "select md5(string_agg(format('%s %s %s %s %s %s',
        p.id, p.name, p.description, p.price, p.images, p.version), ',' order by p.id)) from pms.products as p")" \
    "$rows_before"
check "the columns are the domains" equals "$(sql "select string_agg(format_type(atttypid, atttypmod), ',' order by attnum)
                                                  from pg_attribute
                                                 where attrelid = 'pms.products'::regclass
                                                   and attname in ('name', 'price', 'images')")" \
    "pms.product_name,pms.product_price,pms.product_images"
check "no CHECK constraint is left on the tables" \
    equals "$(sql "select count(*) from pg_constraint
                    where conrelid in ('pms.products'::regclass, 'pms.outbox'::regclass) and contype = 'c'")" 0
check "the view shows the same outbox, with its comment" equals \
    "$(sql "select string_agg(topic || ' ' || events, ',' order by topic) from pms.outbox_backlog")
$(sql "select obj_description('pms.outbox_backlog'::regclass, 'pg_class') is not null")" "$outbox_before
t"
sql "insert into pms.products (user_id, name, price, images)
     select max(id), 'after', 1, array['http://a.test/3.jpg'] from pms.users" >/dev/null
check "a product inserted afterwards still queues its image job" \
    equals "$(sql "select count(*) from pms.image_jobs as j join pms.products as p on p.id = j.product_id
                    where p.name = 'after'")" 1
check "and a broken rule is still refused, by its name" \
    contains <(sql "update pms.products set name = '' where name = 'after'" 2>&1 || true) \
    'violates check constraint "products_name_length"'

echo "1..$checks"
((failures == 0)) || { echo "# $failures of $checks checks failed"; exit 1; }
