-- products_before_write: version, updated_at and the client's document (doc) of pms.products.

-- version: old + 1 on every UPDATE, whatever the statement set it to, so it only ever grows (the image
-- job triggers "touch" the product to bump it). updated_at: only when a field the client edits changed;
-- an image finishing changes the version, not updated_at. doc: rebuilt last, from the row as it will
-- be stored, so a read returns it without building anything (migration 0006); whatever a statement
-- wrote into doc is replaced.
create or replace function pms.products_before_write()
returns trigger
language plpgsql
security definer
set search_path = pms, pg_temp
as $$
begin
    if tg_op = 'UPDATE' then
        new.version := old.version + 1;
        if (new.user_id, new.name, new.description, new.price, new.images)
           is distinct from (old.user_id, old.name, old.description, old.price, old.images) then
            new.updated_at := now();
        end if;
    end if;
    new.doc := pms.product_json(new);
    return new;
end;
$$;

revoke execute on function pms.products_before_write() from public;

create or replace trigger products_before_write
    before insert or update on pms.products
    for each row
    execute function pms.products_before_write();
