-- 10-outbox-wake: writers notify only while a bridge waits, once per transaction, at commit, under the
-- wake lock that the bridge's idle mark waits for (db/triggers/outbox_notify.sql has the reasoning;
-- the two-session behaviour is tested end to end in tests/e2e/bridge/wakeup_test.cpp).
begin;
create extension if not exists pgtap;
select plan(16);

select has_table('pms', 'outbox_bridges', 'pms.outbox_bridges exists');
select is((select relpersistence::text from pg_class where oid = 'pms.outbox_bridges'::regclass), 'u',
          'pms.outbox_bridges is UNLOGGED: no WAL flush for idle marks, emptied by a crash restart');
select ok((select tgconstraint <> 0 and tgdeferrable and tginitdeferred
             from pg_trigger where tgrelid = 'pms.outbox'::regclass and tgname = 'outbox_notify'),
          'outbox_notify is a constraint trigger, DEFERRABLE INITIALLY DEFERRED: it runs at COMMIT');

-- The wake lock a writer holds from its check to the end of its commit.
create function pg_temp.wake_lock(p_mode text)
returns boolean
language sql
as $$
    select exists (select
                     from pg_locks
                    where locktype = 'advisory' and pid = pg_backend_pid() and mode = p_mode
                      and classid = 0 and objid = pms.outbox_wake_lock_key() and objsubid = 1);
$$;

-- Start from no bridge at all (the stack's own bridge row is hidden until the rollback).
delete from pms.outbox_bridges;
select is(pms.outbox_wake_needed(), false, 'no bridge waits: no NOTIFY needed');
select ok(pg_temp.wake_lock('ShareLock'), 'the check took the wake lock SHARED, held to the end of the transaction');

insert into pms.outbox_bridges (backend_pid, idle, idle_since) values (-1, true, now());
select is(pms.outbox_wake_needed(), true, 'a bridge waits: NOTIFY needed');
update pms.outbox_bridges set idle = false where backend_pid = -1;
select is(pms.outbox_wake_needed(), false, 'it is busy again: no NOTIFY needed');

-- The bridge's side.
select lives_ok($$select api.outbox_bridge_idle()$$, 'api.outbox_bridge_idle()');
select is((select idle from pms.outbox_bridges where backend_pid = pg_backend_pid()), true,
          'it marks the calling session idle');
select isnt((select idle_since from pms.outbox_bridges where backend_pid = pg_backend_pid()), null,
            'with the time it began to wait');
select ok(pg_temp.wake_lock('ExclusiveLock'),
          'and takes the wake lock EXCLUSIVE: it waited for the writers checking before the mark');
select is((select count(*)::integer from pms.outbox_bridges where backend_pid = -1), 0,
          'rows of sessions that ended are removed (a bridge killed while idle)');
select is(pms.outbox_wake_needed(), true, 'a writer now notifies');
select lives_ok($$select api.outbox_bridge_busy()$$, 'api.outbox_bridge_busy()');
select is((select (idle, idle_since) from pms.outbox_bridges where backend_pid = pg_backend_pid()),
          row(false, null::timestamptz), 'it marks the session busy');

-- The trigger checks once per transaction: the first row decides, at the end of its statement when
-- the constraint is IMMEDIATE (as here), at COMMIT otherwise.
set constraints pms.outbox_notify immediate;
insert into pms.outbox (topic, payload)
values ('cache.invalidate', '{"product_id": -1, "version": 1}'), ('cache.invalidate', '{"product_id": -2, "version": 1}');
select is(current_setting('pms.outbox_wake_checked', true), 'on', 'the trigger recorded its check for this transaction');

select * from finish();
rollback;
