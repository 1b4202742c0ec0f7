with source as (
    select * from {{ source('zoho_books_raw', 'customer_payments') }}
),

renamed as (
    select
        -- ids
        cast(source.payment_id as varchar) as payment_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.payment_number as varchar) as payment_number,
        cast(source.customer_id as varchar) as customer_id,
        cast(source.account_id as varchar) as account_id,
        cast(source.reference_number as varchar) as reference_number,
        cast(source.payment_mode as varchar) as payment_mode,
        -- the account tax withheld by the customer (TDS) is receivable on (list rows, D81)
        cast(nullif(source.tax_account_id, '') as varchar) as tax_account_id,
        -- payments have no draft or void status in Zoho's payload; a status, if present, is honoured
        true as is_posting,
        -- dates
        cast(source.date as date) as payment_date,
        -- currency
        cast(source.currency_code as varchar) as currency_code,
        -- Zoho documents no exchange_rate on a customer payment (list row or detail; real answers carry it):
        -- without it, the rate its base amount implies, else 1 (D45)
        {{ fx_rate(
            'coalesce(source.exchange_rate, round(source.bcy_amount / nullif(source.amount, 0), 6), 1)'
        ) }} as exchange_rate,
        -- amounts, payment currency
        {{ money('source.amount') }} as amount,
        {{ money('coalesce(source.bank_charges, 0)') }} as bank_charges,
        {{ money('coalesce(source.unused_amount, 0)') }} as unused_amount,
        {{ money('coalesce(source.tax_amount_withheld, 0)') }} as tax_amount_withheld,
        -- amounts, base currency: bcy_amount is on the list row only (the pipeline keeps it beside the
        -- detail); a payment fetched by id alone gets the amount at its rate (D45)
        {{ base_or_derived('source.bcy_amount', 'source.amount') }} as bcy_amount,
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
