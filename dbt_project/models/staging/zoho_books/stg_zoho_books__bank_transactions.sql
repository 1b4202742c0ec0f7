with source as (
    select * from {{ source('zoho_books_raw', 'bank_transactions') }}
),

renamed as (
    select
        -- ids
        cast(source.transaction_id as varchar) as bank_transaction_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.transaction_type as varchar) as transaction_type,
        cast(source.status as varchar) as status,
        -- a statement line not categorized yet (or excluded) posts nothing
        coalesce(cast(source.status as varchar), '') not in ('uncategorized', 'excluded') as is_posting,
        cast(source.reference_number as varchar) as reference_number,
        cast(source.description as varchar) as description,
        cast(source.account_id as varchar) as account_id,
        cast(nullif(cast(source.from_account_id as varchar), '') as varchar) as from_account_id,
        cast(nullif(cast(source.to_account_id as varchar), '') as varchar) as to_account_id,
        cast(nullif(cast(source.customer_id as varchar), '') as varchar) as customer_id,
        cast(nullif(cast(source.vendor_id as varchar), '') as varchar) as vendor_id,
        cast(source.debit_or_credit as varchar) as debit_or_credit,
        cast(source.payment_mode as varchar) as payment_mode,
        cast(nullif(cast(source.tax_id as varchar), '') as varchar) as tax_id,
        -- dates
        cast(source.date as date) as transaction_date,
        -- currency
        cast(source.currency_code as varchar) as currency_code,
        {{ fx_rate('coalesce(source.exchange_rate, 1)') }} as exchange_rate,
        -- amounts, transaction currency
        {{ money('source.amount') }} as amount,
        {{ money('coalesce(source.total, source.amount)') }} as total,
        {{ money('coalesce(source.bank_charges, 0)') }} as bank_charges,
        {{ money('coalesce(source.tax_amount, 0)') }} as tax_amount,
        -- amounts, base currency
        {{ base_or_derived('source.bcy_total', 'coalesce(source.total, source.amount)') }} as bcy_total,
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
