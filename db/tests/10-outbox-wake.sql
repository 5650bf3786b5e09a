-- 10-outbox-wake: writers notify only while a live bridge waits, once per transaction, at commit, under
-- the wake lock that the bridge's idle mark waits for (db/triggers/outbox_notify.sql has the reasoning;
-- the two-session behaviour is tested end to end in tests/e2e/bridge/wakeup_test.cpp).
begin;
create extension if not exists pgtap;
select plan(17);

select has_table('pms', 'outbox_bridges', 'pms.outbox_bridges exists');
select is((select relpersistence::text from pg_class where oid = 'pms.outbox_bridges'::regclass), 'u',
          'pms.outbox_bridges is UNLOGGED: no WAL flush for idle marks, emptied by a crash restart');
select ok((select tgconstraint <> 0 and tgdeferrable and tginitdeferred
             from pg_trigger where tgrelid = 'pms.outbox'::regclass and tgname = 'outbox_notify'),
          'outbox_notify is a constraint trigger, DEFERRABLE INITIALLY DEFERRED: it runs at COMMIT');

-- An advisory lock this session holds: (classid, objid, objsubid) as pg_locks shows it.
create function pg_temp.holds(p_mode text, p_classid bigint, p_objid bigint, p_objsubid integer)
returns boolean
language sql
as $$
    select exists (select
                     from pg_locks
                    where locktype = 'advisory' and pid = pg_backend_pid() and mode = p_mode and granted
                      and classid = p_classid and objid = p_objid and objsubid = p_objsubid);
$$;

-- Start from no bridge at all (the stack's own bridge row is hidden until the rollback).
delete from pms.outbox_bridges;
select is(pms.outbox_wake_needed(), false, 'no bridge waits: no NOTIFY needed');
select ok(pg_temp.holds('ShareLock', 0, pms.outbox_wake_lock_key(), 1),
          'the check took the wake lock SHARED, held to the end of the transaction');

insert into pms.outbox_bridges (backend_pid, idle, idle_since) values (-1, true, now());
select is(pms.outbox_bridge_ended(-1), true, 'a row whose session holds no bridge lock has ended');
select is(pms.outbox_wake_needed(), false,
          'an idle row of an ended session (a bridge killed while it waited) costs no NOTIFY');

-- The bridge's side.
select lives_ok($$select api.outbox_bridge_idle()$$, 'api.outbox_bridge_idle()');
select is((select idle from pms.outbox_bridges where backend_pid = pg_backend_pid()), true,
          'it marks the calling session idle');
select isnt((select idle_since from pms.outbox_bridges where backend_pid = pg_backend_pid()), null,
            'with the time it began to wait');
select ok(pg_temp.holds('ExclusiveLock', 0, pms.outbox_wake_lock_key(), 1),
          'and takes the wake lock EXCLUSIVE: it waited for the writers checking before the mark');
select ok(pg_temp.holds('ExclusiveLock', pms.outbox_bridge_lock_class(), pg_backend_pid(), 2),
          'the session holds its own bridge lock, by which writers know it lives');
select is((select count(*)::integer from pms.outbox_bridges where backend_pid = -1), 0,
          'rows of sessions that ended are removed');
select lives_ok($$select api.outbox_bridge_busy()$$, 'api.outbox_bridge_busy()');
select is((select (idle, idle_since) from pms.outbox_bridges where backend_pid = pg_backend_pid()),
          row(false, null::timestamptz), 'it marks the session busy');

-- The trigger checks once per transaction: the first row decides, at the end of its statement when
-- the constraint is IMMEDIATE (as here), at COMMIT otherwise.
select is(current_setting('pms.outbox_wake_checked', true), null, 'no check yet in this transaction');
set constraints pms.outbox_notify immediate;
insert into pms.outbox (topic, payload)
values ('cache.invalidate', '{"product_id": -1, "version": 1}'), ('cache.invalidate', '{"product_id": -2, "version": 1}');
select is(current_setting('pms.outbox_wake_checked', true), 'on', 'the trigger recorded its check for this transaction');

select * from finish();
rollback;
