-- 12-outbox-wake-repeatable-read: a writer whose snapshot may predate a bridge's idle mark (REPEATABLE
-- READ, SERIALIZABLE) always notifies, whatever pms.outbox_bridges says.
begin isolation level repeatable read;
create extension if not exists pgtap;
select plan(1);

delete from pms.outbox_bridges;
select is(pms.outbox_wake_needed(), true, 'REPEATABLE READ: NOTIFY, though no bridge waits');

select * from finish();
rollback;
