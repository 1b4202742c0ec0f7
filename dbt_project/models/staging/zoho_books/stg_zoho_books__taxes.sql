with source as (
    select * from {{ source('zoho_books_raw', 'taxes') }}
),

renamed as (
    select
        -- ids
        cast(source.tax_id as varchar) as tax_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.tax_account_id as varchar) as tax_account_id,
        cast(source.purchase_tax_account_id as varchar) as purchase_tax_account_id,
        -- descriptive
        cast(source.tax_name as varchar) as tax_name,
        cast(source.tax_type as varchar) as tax_type,
        cast(source.tax_percentage as decimal(9, 4)) as tax_percentage,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
