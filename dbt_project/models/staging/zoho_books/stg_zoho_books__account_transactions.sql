-- Zoho's own ledger (GET /chartofaccounts/transactions): what the derived ledger is reconciled against.
with source as (
    select * from {{ source('zoho_books_raw', 'account_transactions') }}
),

renamed as (
    select
        -- ids
        cast(source.categorized_transaction_id as varchar) as categorized_transaction_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.account_id as varchar) as account_id,
        cast(source.transaction_id as varchar) as transaction_id,
        cast(source.transaction_type as varchar) as transaction_type,
        cast(source.entry_number as varchar) as entry_number,
        cast(source.customer_id as varchar) as customer_id,
        -- dates
        cast(source.transaction_date as date) as transaction_date,
        -- amounts, base currency
        {{ money('source.debit_amount') }} as debit_amount,
        {{ money('source.credit_amount') }} as credit_amount,
        -- amounts, transaction currency
        cast(source.currency_code as varchar) as currency_code,
        {{ money('source.fcy_debit_amount') }} as fcy_debit_amount,
        {{ money('source.fcy_credit_amount') }} as fcy_credit_amount,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
