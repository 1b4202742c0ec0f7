-- The opening balance (D69): each account on its side at bcy_amount (amount in the account's currency), filed
-- under Zoho's opening_balance type on the opening balance's date. Accounts that do not balance (Zoho posts
-- the difference to an adjustment account the record does not name) get a piece with no account: the unioned
-- list then leaves the opening balance whole to Zoho's own ledger (D60).
with accounts as (
    select * from {{ org_ref('stg_zoho_books__opening_balances') }}
    where not is_deleted
),

all_entries as (
    select
        organization_id,
        opening_balance_id as document_id,
        line_index as piece_index,
        account_id,
        case when debit_or_credit = 'debit' then bcy_amount else -bcy_amount end as net_base,
        case when debit_or_credit = 'debit' then amount else -amount end as net_transaction
    from accounts
),

unbalanced as (
    select
        organization_id,
        document_id,
        max(piece_index) + 1 as piece_index,
        cast(null as varchar) as account_id,
        -sum(net_base) as net_base,
        {{ money(0) }} as net_transaction
    from all_entries
    group by organization_id, document_id
    having sum(net_base) <> 0
),

headers as (
    select
        organization_id,
        opening_balance_id,
        max(opening_date) as opening_date,
        max(_synced_at) as _synced_at,
        max(_zoho_organization_id) as _zoho_organization_id,
        max(_zoho_source_id) as _zoho_source_id,
        max(_load_id) as _load_id
    from accounts
    group by organization_id, opening_balance_id
),

entries as (
    select
        pieces.*,
        cast(null as varchar) as cost_center,
        headers.opening_date as posting_date,
        cast(null as varchar) as document_number,
        cast(null as varchar) as contact_id,
        lines.currency_code,
        coalesce(lines.exchange_rate, 1) as exchange_rate,
        headers._synced_at,
        headers._zoho_organization_id,
        headers._zoho_source_id,
        headers._load_id
    from (
        select * from all_entries
        union all
        select * from unbalanced
    ) as pieces
    inner join headers
        on pieces.organization_id = headers.organization_id and pieces.document_id = headers.opening_balance_id
    left join accounts as lines
        on
            pieces.organization_id = lines.organization_id
            and pieces.document_id = lines.opening_balance_id
            and pieces.piece_index = lines.line_index
    where pieces.net_base <> 0
),

final as (
    select
        {{ gl_columns('opening_balance') }}
    from entries
)

select * from final
