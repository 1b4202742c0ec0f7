-- Base currency adjustments (D70): each revalued account moves by its gain_or_loss in base currency (a gain
-- raises an asset's debit balance or lowers a liability's credit balance), and Exchange Gain or Loss takes
-- the opposite of their sum. Nothing moves in the revalued currency (net_transaction 0).
with accounts as (
    select * from {{ org_ref('stg_zoho_books__base_currency_adjustments') }}
    where not is_deleted
),

system_accounts as (
    select * from {{ org_ref('int_system_accounts') }}
),

all_entries as (
    select
        organization_id,
        base_currency_adjustment_id as document_id,
        line_index as piece_index,
        account_id,
        gain_or_loss as net_base
    from accounts
    union all
    select
        accounts.organization_id,
        accounts.base_currency_adjustment_id,
        max(accounts.line_index) + 1,
        system_accounts.account_id,
        -sum(accounts.gain_or_loss)
    from accounts
    left join system_accounts
        on accounts.organization_id = system_accounts.organization_id and system_accounts.role = 'exchange_gain_loss'
    group by accounts.organization_id, accounts.base_currency_adjustment_id, system_accounts.account_id
),

headers as (
    select
        organization_id,
        base_currency_adjustment_id,
        max(adjustment_date) as adjustment_date,
        max(currency_code) as currency_code,
        max(exchange_rate) as exchange_rate,
        max(_synced_at) as _synced_at,
        max(_zoho_organization_id) as _zoho_organization_id,
        max(_zoho_source_id) as _zoho_source_id,
        max(_load_id) as _load_id
    from accounts
    group by organization_id, base_currency_adjustment_id
),

entries as (
    select
        all_entries.*,
        {{ money(0) }} as net_transaction,
        cast(null as varchar) as cost_center,
        headers.adjustment_date as posting_date,
        cast(null as varchar) as document_number,
        cast(null as varchar) as contact_id,
        headers.currency_code,
        headers.exchange_rate,
        headers._synced_at,
        headers._zoho_organization_id,
        headers._zoho_source_id,
        headers._load_id
    from all_entries
    inner join headers
        on
            all_entries.organization_id = headers.organization_id
            and all_entries.document_id = headers.base_currency_adjustment_id
    where all_entries.net_base <> 0
),

final as (
    select
        {{ gl_columns('base_currency_adjustment') }}
    from entries
)

select * from final
