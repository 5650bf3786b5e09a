-- 11-outbox-bridges: what the bridges report (api.outbox_bridge_stats) and what an operator reads
-- (api.outbox_backlog), and who may call them.
begin;
create extension if not exists pgtap;
select plan(17);

grant execute on all functions in schema public to pms_api, pms_bridge;

-- A known outbox: three image events written five seconds ago, nothing to invalidate.
delete from pms.outbox;
delete from pms.outbox_bridges;
insert into pms.outbox (topic, payload, created_at)
select 'image.process', jsonb_build_object('job_id', -g, 'product_id', -g), now() - interval '5 seconds'
  from generate_series(1, 3) as g;
insert into pms.outbox_bridges (backend_pid, idle) values (-1, true);  -- a session that ended

create temporary table b as select api.outbox_backlog() as v;
select is((select jsonb_agg(t ->> 'topic') from b, jsonb_array_elements(v -> 'topics') as t),
          '["image.process", "cache.invalidate"]', 'backlog: both topics, always');
select is((select (v -> 'topics' -> 0 ->> 'rows')::integer from b), 3, 'backlog: rows of image.process');
select ok((select (v -> 'topics' -> 0 ->> 'oldest_age_s')::numeric >= 5 from b), 'backlog: age of the oldest in seconds');
select matches((select v -> 'topics' -> 0 ->> 'oldest_created_at' from b), '^\d{4}-\d\d-\d\dT.*\+00:00$',
               'backlog: when the oldest was written, ISO-8601 UTC');
select is((select v -> 'topics' -> 1 from b),
          '{"topic": "cache.invalidate", "rows": 0, "oldest_age_s": null, "oldest_created_at": null}',
          'backlog: an empty topic');
select is((select v -> 'bridges' from b), '[]', 'backlog: no live bridge (the ended session is not listed)');

-- A bridge reports its counters.
select lives_ok($$select api.outbox_bridge_stats(1200, 20.5, 30)$$, 'api.outbox_bridge_stats()');
select lives_ok($$select api.outbox_bridge_stats(1500, 5, 31)$$, 'again: the row is updated');
create temporary table me as select api.outbox_backlog() -> 'bridges' as v;
select is((select jsonb_array_length(v) from me), 1, 'the reporting session is listed');
select is((select v -> 0 -> 'backend_pid' from me), to_jsonb(pg_backend_pid()), 'by its backend pid');
select is((select (v -> 0 -> 'published', v -> 0 -> 'published_per_s', v -> 0 -> 'invalidated', v -> 0 -> 'idle') from me),
          ('1500'::jsonb, '5'::jsonb, '31'::jsonb, 'false'::jsonb), 'with its latest counters, busy');
select isnt((select v -> 0 ->> 'stats_at' from me), null, 'and when it reported');
select throws_ok($$select api.outbox_bridge_stats(-1, 0, 0)$$, '23514', null, 'a negative counter: 23514');

-- Who may call them.
set local role pms_bridge;
select lives_ok($$select api.outbox_backlog()$$, 'pms_bridge: outbox_backlog');
select lives_ok($$select api.outbox_bridge_busy()$$, 'pms_bridge: outbox_bridge_busy');
reset role;
set local role pms_api;
select throws_ok($$select api.outbox_backlog()$$, '42501', null, 'pms_api: cannot execute outbox_backlog');
select throws_ok($$select api.outbox_bridge_idle()$$, '42501', null, 'pms_api: cannot execute outbox_bridge_idle');
reset role;

select * from finish();
rollback;
