-- pms.run_batch: the calls of a batch api function (api.create_products, api.update_products) in one
-- transaction, each succeeding or failing on its own.

-- p_calls is a JSON array of calls, each the arguments of the single api function in text form (the
-- actor's id and admin flag first, then the product, then its fields, images at position 6);
-- p_write is the set-based function that does the work (pms.insert_products, pms.update_products):
-- it takes such an array and returns (n, product_id, version, doc) for each call, or raises and keeps
-- nothing. Returns one row per call, n being its position in p_calls (0-based): the product's id,
-- version and document (the id and version beside it, so that a caller need not parse it), or the error
-- that call raised (SQLSTATE, message, DETAIL) with nothing of it kept; the others share the commit.
--
-- Under load, one statement and one commit for many products instead of one each is most of what a
-- write costs PostgreSQL (bench/RESULTS.md). So the calls without images (and, p_by_product, each
-- for a product that no other call names) are first made together, with one call of p_write. Only
-- when that fails (one of them breaks a rule), and for the others (the image jobs' outbox rows carry
-- the request id of their own call), is each call made on its own, in a subtransaction of its own.
-- One subtransaction each, not the two that calling the single api function would open: a backend
-- keeps up to 64 subtransaction ids in shared memory, and past that every snapshot of every session
-- gets slower. With p_by_product, the third argument (after the actor) is a product id: every product the calls
-- name is locked first, in the order of the ids, and the calls made one at a time go in that order
-- too (calls for one product in the order given), so that two batches lock the same products in the
-- same order and cannot deadlock each other. (Locked before the calls made together: a
-- subtransaction that fails gives up its locks, and the calls after it would then lock out of order.)
-- A broken rule (SQLSTATE class 23) is recorded with its client message and DETAIL
-- (pms.raise_rule_violation), as the single api functions raise it.
-- Errors raised for the whole call: 22023 invalid_parameter_value when p_calls is not an array or
-- has more than 1000 calls.
create or replace function pms.run_batch(p_calls jsonb, p_write regproc, p_by_product boolean)
returns table (n integer, product_id bigint, version bigint, doc json, error_sqlstate text, error_message text,
               error_detail text)
language plpgsql
volatile
as $$
declare
    v_together   jsonb;
    v_done       integer[] := '{}';
    v_call       jsonb;
    v_schema     text;
    v_table      text;
    v_column     text;
    v_constraint text;
begin
    if jsonb_typeof(p_calls) is distinct from 'array' then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = 'a batch is a JSON array of calls';
    end if;
    if jsonb_array_length(p_calls) > 1000 then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = 'at most 1000 calls can be made at once';
    end if;

    if p_by_product then
        perform
           from pms.products as p
          where p.id in (select (e.value ->> 2)::bigint
                           from jsonb_array_elements(p_calls) as e
                          where e.value ->> 2 ~ '^[0-9]{1,18}$')
          order by p.id
            for update;
    end if;

    select coalesce(jsonb_agg(e.value order by e.position), '[]'),
           coalesce(array_agg(e.position - 1 order by e.position), '{}')
      into v_together, v_done
      from (select e.value, e.position,
                   count(*) over (partition by case when p_by_product then e.value ->> 2 end) as sharing
              from jsonb_array_elements(p_calls) with ordinality as e (value, position)) as e
     where coalesce(e.value ->> 6, '{}') = '{}'
       and (not p_by_product or (e.sharing = 1 and e.value ->> 2 ~ '^[0-9]{1,18}$'));
    if cardinality(v_done) > 0 then
        begin
            -- p_write returns all its rows or raises, so nothing of a failure is returned.
            return query execute
                format('select ($2::integer[])[w.n + 1], w.product_id, w.version, w.doc, null::text, null::text,
                               null::text
                          from %s($1) as w', p_write)
                using v_together, v_done;
        exception
            when others then
                v_done := '{}';
        end;
    end if;

    for v_call, n in
        select e.value, (e.position - 1)::integer
          from jsonb_array_elements(p_calls) with ordinality as e (value, position)
         where e.position - 1 <> all (v_done)
         -- An id that is not a number sorts last and fails in its own call.
         order by case when p_by_product and e.value ->> 2 ~ '^[0-9]{1,18}$' then (e.value ->> 2)::bigint end
                      nulls last,
                  e.position
    loop
        begin
            execute format('select w.product_id, w.version, w.doc from %s($1) as w', p_write)
               into product_id, version, doc
              using jsonb_build_array(v_call);
            error_sqlstate := null;
            error_message := null;
            error_detail := null;
        exception
            when others then
                get stacked diagnostics error_sqlstate = returned_sqlstate, error_message = message_text,
                                        error_detail = pg_exception_detail, v_schema = schema_name,
                                        v_table = table_name, v_column = column_name,
                                        v_constraint = constraint_name;
                product_id := null;
                version := null;
                doc := null;
                error_detail := nullif(error_detail, '');
                if error_sqlstate like '23%' then
                    begin
                        perform pms.raise_rule_violation(error_sqlstate, v_schema, v_table, v_column,
                                                         v_constraint);
                    exception
                        when others then
                            get stacked diagnostics error_message = message_text,
                                                    error_detail = pg_exception_detail;
                            error_detail := nullif(error_detail, '');
                    end;
                end if;
        end;
        return next;
    end loop;
end;
$$;

revoke execute on function pms.run_batch(jsonb, regproc, boolean) from public;
