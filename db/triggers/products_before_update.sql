-- products_before_update: version and updated_at of pms.products.

-- version: old + 1 on every UPDATE, whatever the statement set it to, so it only ever grows (the image
-- job triggers "touch" the product to bump it). updated_at: only when a field the client edits changed;
-- an image finishing changes the version, not updated_at.
create or replace function pms.products_before_update()
returns trigger
language plpgsql
security definer
set search_path = pms, pg_temp
as $$
begin
    new.version := old.version + 1;
    if (new.user_id, new.name, new.description, new.price, new.images)
       is distinct from (old.user_id, old.name, old.description, old.price, old.images) then
        new.updated_at := now();
    end if;
    return new;
end;
$$;

revoke execute on function pms.products_before_update() from public;

create or replace trigger products_before_update
    before update on pms.products
    for each row
    execute function pms.products_before_update();
