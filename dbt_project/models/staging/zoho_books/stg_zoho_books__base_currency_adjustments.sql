-- One row per account a base currency adjustment revalues (Zoho's accounts[] of the detail), with the
-- adjustment's date, currency and rate.
with parent as (
    select * from {{ source('zoho_books_raw', 'base_currency_adjustments') }}
),

source as (
    {{ raw_child('base_currency_adjustments__accounts', {
        'account_id': 'text', 'bcy_balance': 'money', 'adjusted_balance': 'money', 'gain_or_loss': 'money',
        'fcy_balance': 'money'
    }) }}
),

renamed as (
    select
        -- ids
        cast(parent.base_currency_adjustment_id as varchar) as base_currency_adjustment_id,
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(source._dlt_list_idx as integer) as line_index,
        cast(source.account_id as varchar) as account_id,
        cast(parent.notes as varchar) as notes,
        -- dates
        cast(parent.adjustment_date as date) as adjustment_date,
        -- currency
        cast(parent.currency_code as varchar) as currency_code,
        {{ fx_rate('parent.exchange_rate') }} as exchange_rate,
        -- amounts, base currency (the account's balance before and after, and the difference)
        {{ money('source.bcy_balance') }} as bcy_balance,
        {{ money('source.adjusted_balance') }} as adjusted_balance,
        {{ money('source.gain_or_loss') }} as gain_or_loss,
        -- amounts, the currency revalued
        {{ money('source.fcy_balance') }} as fcy_balance,
        -- audit
        {{ audit_columns('parent') }}
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
)

select * from renamed
