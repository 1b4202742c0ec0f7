with source as (
    select * from {{ source('zoho_books_raw', 'vendor_credit_refunds') }}
),

renamed as (
    select
        -- ids
        cast(source.vendor_credit_refund_id as varchar) as vendor_credit_refund_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.vendor_credit_id as varchar) as vendor_credit_id,
        cast(source.vendor_credit_number as varchar) as vendor_credit_number,
        -- the bank or cash account the refund was received into: account_id on the detail (D72)
        cast(source.account_id as varchar) as account_id,
        -- reference, mode, date, amounts and rate: macros/staging.sql
        {{ refund_columns() }},
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
