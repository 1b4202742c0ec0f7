with source as (
    select * from {{ source('zoho_books_raw', 'sales_receipts') }}
),

renamed as (
    select
        -- ids
        cast(source.sales_receipt_id as varchar) as sales_receipt_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.receipt_number as varchar) as receipt_number,
        cast(source.customer_id as varchar) as customer_id,
        cast(source.payment_mode as varchar) as payment_mode,
        cast(source.status as varchar) as status,
        coalesce(source.status not in ('draft', 'void'), true) as is_posting,
        -- dates
        cast(source.date as date) as receipt_date,
        -- currency
        cast(source.currency_code as varchar) as currency_code,
        {{ fx_rate('coalesce(source.exchange_rate, 1)') }} as exchange_rate,
        -- amounts, receipt currency
        {{ money('source.sub_total') }} as sub_total,
        {{ money('source.tax_total') }} as tax_total,
        {{ money('source.total') }} as total,
        -- amounts, base currency: Zoho documents no bcy_total on a receipt
        {{ to_base('source.total', 'coalesce(source.exchange_rate, 1)') }} as bcy_total,
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
