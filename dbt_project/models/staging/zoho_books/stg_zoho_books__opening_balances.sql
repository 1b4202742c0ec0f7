-- One row per account of the organization's opening balance (Zoho's accounts[] of GET settings/openingbalances),
-- with the opening balance's date and audit columns.
with parent as (
    select * from {{ source('zoho_books_raw', 'opening_balances') }}
),

source as (
    select * from {{ source('zoho_books_raw', 'opening_balances__accounts') }}
),

renamed as (
    select
        -- ids
        cast(parent.opening_balance_id as varchar) as opening_balance_id,
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(source.acount_split_id as varchar) as account_split_id,
        cast(source._dlt_list_idx as integer) as line_index,
        cast(source.account_id as varchar) as account_id,
        cast(source.debit_or_credit as varchar) as debit_or_credit,
        -- dates
        cast(parent.date as date) as opening_date,
        -- currency
        cast(source.currency_code as varchar) as currency_code,
        {{ fx_rate('coalesce(source.exchange_rate, 1)') }} as exchange_rate,
        -- amounts
        {{ money('source.amount') }} as amount,
        {{ base_or_derived('source.bcy_amount', 'source.amount') }} as bcy_amount,
        {{ money('parent.total') }} as opening_total,
        -- audit
        {{ audit_columns('parent') }}
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
)

select * from renamed
