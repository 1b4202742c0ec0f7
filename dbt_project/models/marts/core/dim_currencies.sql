-- The organization's currencies as of the latest sync, with the rate Zoho showed then.
with snapshots as (
    select * from {{ org_ref('stg_zoho_books__currencies') }}
    where not is_deleted
),

latest as (
    select organization_id, max(_synced_at) as latest_synced_at from snapshots group by organization_id
),

final as (
    select
        snapshots.organization_id || '-' || snapshots.currency_code as currency_key,
        snapshots.organization_id,
        snapshots.currency_id,
        snapshots.currency_code,
        snapshots.currency_name,
        snapshots.currency_symbol,
        snapshots.is_base_currency,
        snapshots.exchange_rate,
        snapshots.effective_date,
        snapshots._synced_at,
        snapshots._zoho_organization_id,
        snapshots._zoho_source_id,
        snapshots._load_id
    from snapshots
    inner join latest
        on snapshots.organization_id = latest.organization_id and snapshots._synced_at = latest.latest_synced_at
)

select * from final
