-- 0004_outbox_bridges: what each running pms-bridge tells the database about itself, so that the
-- outbox trigger wakes a bridge only when one waits, and an operator can read backlog and rates.
--
-- UNLOGGED: the rows describe live sessions only. Writing them costs no WAL flush, and a crash
-- restart empties the table, which is right: every session it described is gone by then.
create unlogged table pms.outbox_bridges (
    backend_pid     integer primary key,
    application_name text not null default '',
    registered_at   timestamptz not null default now(),
    -- True while the bridge waits for a NOTIFY: only then does a committing writer send one.
    idle            boolean not null default false,
    idle_since      timestamptz,
    -- Counters the bridge reports every minute (api.outbox_bridge_stats).
    published       bigint not null default 0,
    published_per_s double precision,
    invalidated     bigint not null default 0,
    stats_at        timestamptz,
    constraint outbox_bridges_counters_not_negative check (published >= 0 and invalidated >= 0)
);
comment on table pms.outbox_bridges is
    'One row per pms-bridge database session (by backend pid): whether it waits for a NOTIFY, and its '
    'publish counters. Written by api.outbox_bridge_idle/_busy/_stats; read by pms.outbox_notify and '
    'api.outbox_backlog. Rows of sessions that ended are removed by the next api.outbox_bridge_idle.';
comment on constraint outbox_bridges_counters_not_negative on pms.outbox_bridges is
    'published and invalidated must be 0 or more';

-- The old wake-up was a statement trigger of the same name; db/triggers/outbox_notify.sql creates
-- its replacement (a deferred constraint trigger, which CREATE OR REPLACE TRIGGER cannot replace).
drop trigger if exists outbox_notify on pms.outbox;
