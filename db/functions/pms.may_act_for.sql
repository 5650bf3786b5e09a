-- pms.may_act_for: whether the acting user may act for the user who owns (or is to own) a row.

-- The one rule of who may do what: an admin may act for anyone, any other user only for themself.
-- Every api function that writes for a user takes the actor as its first two arguments (the acting
-- user's id and whether they are an admin, from pms-api's verified token; db/README.md) and asks
-- this. A missing actor may act for no one. Written in SQL so that the planner inlines it into the
-- set-based writes.
create or replace function pms.may_act_for(p_actor_id bigint, p_actor_is_admin boolean, p_user_id bigint)
returns boolean
language sql
immutable
parallel safe
as $$
    select coalesce(p_actor_is_admin, false) or coalesce(p_user_id = p_actor_id, false);
$$;

revoke execute on function pms.may_act_for(bigint, boolean, bigint) from public;
