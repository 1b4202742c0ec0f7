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
        cast(source.reference_number as varchar) as reference_number,
        cast(source.refund_mode as varchar) as refund_mode,
        cast(source.description as varchar) as description,
        -- refunds have no draft or void status in Zoho's answers
        true as is_posting,
        -- dates
        cast(source.date as date) as refund_date,
        -- amounts, the vendor credit's currency: amount on the detail, amount_fcy on the list row
        {{ money('coalesce(source.amount, source.amount_fcy)') }} as amount,
        -- without a rate on the answer, the one its base amount implies, else 1 (as for payments, D45)
        {{ fx_rate(
            'coalesce(source.exchange_rate, round(source.amount_bcy / nullif(coalesce(source.amount, source.amount_fcy), 0), 6), 1)'
        ) }} as exchange_rate,
        -- amounts, base currency: amount_bcy is on the list row
        {{ base_or_derived('source.amount_bcy', 'coalesce(source.amount, source.amount_fcy)') }} as bcy_amount,
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
