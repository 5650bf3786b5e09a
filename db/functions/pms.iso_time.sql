-- pms.iso_time: the one timestamp format of every JSON the database builds.

-- Always UTC with microseconds ("2026-11-21T10:00:00.123456+00:00"), whatever the session's TimeZone:
-- to_jsonb(timestamptz) would follow the caller's TimeZone setting and drop trailing zeros.
-- No SET clause: a single SELECT without one is inlined into its caller (pms.product_json, twice per
-- product written), while one with a SET is called, and planned, every time.
create or replace function pms.iso_time(p_time timestamptz)
returns text
language sql
stable
strict
parallel safe
as $$
    select pg_catalog.to_char(pg_catalog.timezone('UTC', p_time), 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"');
$$;

revoke execute on function pms.iso_time(timestamptz) from public;
