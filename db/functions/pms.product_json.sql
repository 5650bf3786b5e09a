-- pms.product_json: the product as clients see it. The trigger pms.products_before_write stores it in
-- pms.products.doc, which is what every read returns. Built as jsonb and written out as json text
-- once, here: the text clients have always read (jsonb's spacing and key order), which a read then
-- copies as it is (migration 0012).

-- One entry per position of products.images, joined to that position's live (non-superseded) job for
-- the same URL. A position without one shows as pending: its job is queued after this runs (the
-- trigger runs BEFORE the row is written), or a DBA disabled the triggers; the job's own change then
-- touches the product and the document is built again.
-- image_status: no images or all done -> done; all failed -> failed; all finished but mixed -> partial;
-- otherwise pending while nothing started, processing once any image started or finished.
-- version grows with every committed change of the product or its images: pms-api's cache never
-- stores a copy older than the newest version it was told about (and a client may use it as an ETag).
--
-- PL/pgSQL rather than SQL, and no SET clause: it runs on every write, and PostgreSQL 15 plans a
-- non-inlined SQL function's body again on each call, while PL/pgSQL keeps its plans for the session.
-- Not SECURITY DEFINER: only its callers (SECURITY DEFINER themselves) may execute it; every name is
-- schema-qualified.
create or replace function pms.product_json(p pms.products)
returns json
language plpgsql
stable
parallel safe
as $$
declare
    v_images       jsonb := '[]';
    v_compressed   jsonb := '[]';
    v_image_status text := 'done';
begin
    if cardinality(p.images) > 0 then
        select jsonb_agg(case when i.status = 'done' then i.compressed_url end order by i.position),
               jsonb_agg(jsonb_build_object('position', i.position,
                                            'source_url', i.source_url,
                                            'status', i.status,
                                            'compressed_url', i.compressed_url,
                                            'width', i.width,
                                            'height', i.height,
                                            'bytes', i.bytes,
                                            'error', i.error)
                         order by i.position),
               case
                   when count(*) = count(*) filter (where i.status = 'done') then 'done'
                   when count(*) = count(*) filter (where i.status = 'failed') then 'failed'
                   when count(*) = count(*) filter (where i.status in ('done', 'failed')) then 'partial'
                   when count(*) filter (where i.status <> 'pending') > 0 then 'processing'
                   else 'pending'
               end
          into v_compressed, v_images, v_image_status
          from (select (u.n - 1)::integer as position,
                       u.source_url,
                       coalesce(j.status::text, 'pending') as status,
                       j.compressed_url,
                       j.width,
                       j.height,
                       j.bytes,
                       j.error
                  from unnest(p.images) with ordinality as u (source_url, n)
                  left join pms.image_jobs as j
                         on j.product_id = p.id
                        and j.position = u.n - 1
                        and j.status <> 'superseded'
                        and j.source_url = u.source_url) as i;
    end if;

    return jsonb_build_object('id', p.id,
                              'user_id', p.user_id,
                              'product_name', p.name,
                              'product_description', p.description,
                              'product_price', p.price,
                              'product_images', to_jsonb(p.images),
                              'compressed_product_images', v_compressed,
                              'image_status', v_image_status,
                              'images', v_images,
                              'version', p.version,
                              'created_at', pms.iso_time(p.created_at),
                              'updated_at', pms.iso_time(p.updated_at))::json;
end;
$$;

revoke execute on function pms.product_json(pms.products) from public;
