with source as (
    select * from {{ source('zoho_books_raw', 'items') }}
),

renamed as (
    select
        -- ids
        cast(source.item_id as varchar) as item_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.account_id as varchar) as sales_account_id,
        cast(source.purchase_account_id as varchar) as purchase_account_id,
        cast(source.tax_id as varchar) as tax_id,
        -- descriptive
        cast(source.name as varchar) as item_name,
        cast(source.sku as varchar) as sku,
        cast(source.item_type as varchar) as item_type,
        cast(source.product_type as varchar) as product_type,
        cast(source.unit as varchar) as unit,
        cast(source.status as varchar) as status,
        -- amounts, base currency
        {{ money('source.rate') }} as sales_rate,
        {{ money('source.purchase_rate') }} as purchase_rate,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
