with source as (
    select * from {{ source('zoho_books_raw', 'vendor_payments') }}
),

-- Zoho's vendor payment names its currency by id only (currency_id): the code comes from the currencies.
currencies as (
    select organization_id, currency_id, max(currency_code) as currency_code
    from {{ ref('stg_zoho_books__currencies') }}
    group by organization_id, currency_id
),

renamed as (
    select
        -- ids
        cast(source.payment_id as varchar) as payment_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.payment_number as varchar) as payment_number,
        cast(source.vendor_id as varchar) as vendor_id,
        -- the bank or card it was paid through: paid_through_account_id in Zoho's answers (D47)
        cast(source.paid_through_account_id as varchar) as account_id,
        cast(source.reference_number as varchar) as reference_number,
        cast(source.payment_mode as varchar) as payment_mode,
        -- payments have no draft or void status in Zoho's payload; a status, if present, is honoured
        true as is_posting,
        -- dates
        cast(source.date as date) as payment_date,
        -- currency
        cast(coalesce(source.currency_code, currencies.currency_code) as varchar) as currency_code,
        {{ fx_rate('source.exchange_rate') }} as exchange_rate,
        -- amounts, payment currency
        {{ money('source.amount') }} as amount,
        {{ money('coalesce(source.bank_charges, 0)') }} as bank_charges,
        -- tax withheld from the vendor (TDS), owed to the state (D101)
        {{ money('coalesce(source.tax_amount_withheld, 0)') }} as tax_amount_withheld,
        -- Zoho calls what is left unapplied balance on a vendor payment
        {{ money('coalesce(source.balance, 0)') }} as unused_amount,
        -- amounts, base currency: bcy_amount is on the list row only (D45)
        {{ base_or_derived('source.bcy_amount', 'source.amount') }} as bcy_amount,
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from source
    left join currencies
        on
            cast(source._zoho_organization_id as varchar) = currencies.organization_id
            and cast(source.currency_id as varchar) = currencies.currency_id
)

select * from renamed
