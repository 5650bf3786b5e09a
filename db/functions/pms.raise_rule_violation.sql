-- pms.raise_rule_violation: turns a constraint violation into the client message recorded for the rule.

-- Called from the EXCEPTION handler of the api functions that write:
--
--     exception
--         when integrity_constraint_violation then
--             get stacked diagnostics v_schema = schema_name, v_table = table_name,
--                                     v_column = column_name, v_constraint = constraint_name;
--             perform pms.raise_rule_violation(sqlstate, v_schema, v_table, v_column, v_constraint);
--             raise;
--
-- The message of a constraint is its COMMENT (written next to the constraint in the migration), so each
-- rule and its message exist once. A rule that is a domain's constraint (migration 0015) comes with the
-- domain's schema and no table or column: the column is the one of a table in that schema whose type
-- is the domain. A NOT NULL violation has no constraint object in PostgreSQL 15: its
-- message is "<field> is required". The error keeps its SQLSTATE; DETAIL is {"field": ...} when the
-- rule is about one column. When nothing is recorded this returns and the caller's bare RAISE re-raises
-- the original error unchanged.
create or replace function pms.raise_rule_violation(
    p_sqlstate text,
    p_schema text,
    p_table text,
    p_column text,
    p_constraint text
)
returns void
language plpgsql
stable
set search_path = pms, pg_temp
as $$
declare
    v_message text;
    v_table   text := nullif(p_table, '');
    v_column  text := nullif(p_column, '');
    v_field   text;
begin
    if coalesce(p_constraint, '') <> '' and v_table is not null then
        select obj_description(c.oid, 'pg_constraint'),
               case when cardinality(c.conkey) = 1 then a.attname::text end
          into v_message, v_column
          from pg_catalog.pg_constraint as c
          join pg_catalog.pg_class as t on t.oid = c.conrelid
          join pg_catalog.pg_namespace as n on n.oid = t.relnamespace
          left join pg_catalog.pg_attribute as a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
         where n.nspname = p_schema
           and t.relname = p_table
           and c.conname = p_constraint;
    elsif coalesce(p_constraint, '') <> '' then
        select obj_description(c.oid, 'pg_constraint'), t.relname, a.attname
          into v_message, v_table, v_column
          from pg_catalog.pg_constraint as c
          join pg_catalog.pg_type as d on d.oid = c.contypid
          join pg_catalog.pg_namespace as n on n.oid = d.typnamespace
          left join (pg_catalog.pg_attribute as a
                     join pg_catalog.pg_class as t on t.oid = a.attrelid and t.relkind = 'r')
                 on a.atttypid = d.oid and t.relnamespace = n.oid and not a.attisdropped
         where n.nspname = p_schema
           and c.conname = p_constraint
         order by t.oid, a.attnum
         limit 1;
    end if;

    -- The client knows the product's columns by the names pms.product_json gives them.
    v_field := case
                   when v_table = 'products' and v_column in ('name', 'description', 'price', 'images')
                       then 'product_' || v_column
                   else v_column
               end;

    if v_message is null and p_sqlstate = '23502' and v_field is not null then
        v_message := v_field || ' is required';
    end if;

    if v_message is null then
        return;
    elsif v_field is null then
        raise exception using errcode = p_sqlstate, message = v_message;
    else
        raise exception using
            errcode = p_sqlstate,
            message = v_message,
            detail = jsonb_build_object('field', v_field)::text;
    end if;
end;
$$;

revoke execute on function pms.raise_rule_violation(text, text, text, text, text) from public;
