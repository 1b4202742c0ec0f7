with source as (
    select * from {{ source('zoho_books_raw', 'vendor_payments') }}
),

renamed as (
    select
        -- ids
        cast(source.payment_id as varchar) as payment_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.payment_number as varchar) as payment_number,
        cast(source.vendor_id as varchar) as vendor_id,
        cast(source.account_id as varchar) as account_id,
        cast(source.reference_number as varchar) as reference_number,
        cast(source.payment_mode as varchar) as payment_mode,
        -- payments have no draft or void status in Zoho's payload; a status, if present, is honoured
        true as is_posting,
        -- dates
        cast(source.date as date) as payment_date,
        -- currency
        cast(source.currency_code as varchar) as currency_code,
        {{ fx_rate('source.exchange_rate') }} as exchange_rate,
        -- amounts, payment currency
        {{ money('source.amount') }} as amount,
        {{ money('coalesce(source.bank_charges, 0)') }} as bank_charges,
        {{ money('source.unused_amount') }} as unused_amount,
        -- amounts, base currency
        {{ money('source.bcy_amount') }} as bcy_amount,
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
