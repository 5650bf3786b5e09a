-- pms.product_json: the product as clients see it; every function that returns a product uses it.

-- One entry per position of products.images, joined to that position's live (non-superseded) job.
-- A position without a job (only possible if a DBA disabled the triggers) shows as pending.
-- image_status: no images or all done -> done; all failed -> failed; all finished but mixed -> partial;
-- otherwise pending while nothing started, processing once any image started or finished.
-- version grows with every committed change of the product or its images: pms-api's cache never
-- stores a copy older than the newest version it was told about (and a client may use it as an ETag).
create or replace function pms.product_json(p pms.products)
returns jsonb
language sql
stable
parallel safe
set search_path = pms, pg_temp
as $$
    with image as (
        select (i.n - 1)::integer as position,
               i.source_url,
               coalesce(j.status, 'pending') as status,
               j.compressed_url,
               j.width,
               j.height,
               j.bytes,
               j.error
          from unnest(p.images) with ordinality as i (source_url, n)
          left join pms.image_jobs as j
                 on j.product_id = p.id
                and j.position = i.n - 1
                and j.status <> 'superseded'
    ),
    summary as (
        select coalesce(jsonb_agg(case when status = 'done' then compressed_url end order by position),
                        '[]') as compressed,
               coalesce(jsonb_agg(jsonb_build_object('position', position,
                                                     'source_url', source_url,
                                                     'status', status,
                                                     'compressed_url', compressed_url,
                                                     'width', width,
                                                     'height', height,
                                                     'bytes', bytes,
                                                     'error', error)
                                  order by position),
                        '[]') as images,
               case
                   when count(*) = count(*) filter (where status = 'done') then 'done'
                   when count(*) = count(*) filter (where status = 'failed') then 'failed'
                   when count(*) = count(*) filter (where status in ('done', 'failed')) then 'partial'
                   when count(*) filter (where status <> 'pending') > 0 then 'processing'
                   else 'pending'
               end as image_status
          from image
    )
    select jsonb_build_object('id', p.id,
                              'user_id', p.user_id,
                              'product_name', p.name,
                              'product_description', p.description,
                              'product_price', p.price,
                              'product_images', to_jsonb(p.images),
                              'compressed_product_images', s.compressed,
                              'image_status', s.image_status,
                              'images', s.images,
                              'version', p.version,
                              'created_at', pms.iso_time(p.created_at),
                              'updated_at', pms.iso_time(p.updated_at))
      from summary as s;
$$;

revoke execute on function pms.product_json(pms.products) from public;
