with items as (
    select * from {{ org_ref('stg_zoho_books__items') }}
    where not is_deleted
),

final as (
    select
        items.organization_id || '-' || items.item_id as item_key,
        items.organization_id,
        items.item_id,
        items.item_name,
        items.sku,
        items.item_type,
        items.product_type,
        items.unit,
        items.status,
        items.sales_account_id,
        items.purchase_account_id,
        items.sales_rate as sales_rate_base,
        items.purchase_rate as purchase_rate_base,
        items._synced_at,
        items._zoho_organization_id,
        items._zoho_source_id,
        items._load_id
    from items
)

select * from final
