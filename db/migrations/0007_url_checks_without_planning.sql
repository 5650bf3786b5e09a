-- 0007_url_checks_without_planning: the URL checks of pms.products and pms.image_jobs no longer
-- plan a query on every row written.
--
-- Migration 0001 wrote pms.is_http_url and pms.are_http_urls as SQL functions with a SET clause.
-- PostgreSQL 15 inlines neither (a SET clause forbids it, and are_http_urls reads FROM unnest), so
-- every CHECK evaluation planned their body again: 180 microseconds of a 440-microsecond product
-- INSERT (pgbench, one client). What they accept is unchanged, so the constraints stay valid as
-- they are: is_http_url without the SET is a plain expression that its callers inline, and
-- are_http_urls is a loop in PL/pgSQL, whose plans live as long as the session. Both read only
-- built-in functions, schema-qualified, so they need no search_path of their own.
create or replace function pms.is_http_url(p_url text)
returns boolean
language sql
immutable
strict
parallel safe
as $$
    -- Scheme http or https, a non-empty authority, no white space or control characters anywhere.
    select pg_catalog.char_length(p_url) <= 2048
       and p_url operator(pg_catalog.~*) '^https?://[^/?#[:space:][:cntrl:]]+([/?#][^[:space:][:cntrl:]]*)?$';
$$;

create or replace function pms.are_http_urls(p_urls text[])
returns boolean
language plpgsql
immutable
strict
parallel safe
as $$
declare
    v_url text;
begin
    foreach v_url in array p_urls loop
        -- A NULL element is not a URL: reject it rather than letting it through as "unknown".
        if v_url is null or not pms.is_http_url(v_url) then
            return false;
        end if;
    end loop;
    return true;
end;
$$;
