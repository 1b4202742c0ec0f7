-- Expenses: debit each line's account (or the expense's account with sub_total when it has no lines) and the
-- purchase tax, in that piece order with cumulative rounding; credit the paid-through account with bcy_total.
with expenses as (
    select * from {{ org_ref('stg_zoho_books__expenses') }}
    where is_posting and not is_deleted
),

lines as (
    select * from {{ org_ref('stg_zoho_books__expense_line_items') }}
),

tax_settings as (
    select organization_id, tax_id, purchase_tax_account_id as account_id
    from {{ org_ref('int_tax_accounts') }}
),

expense_pieces as (
    select
        lines.organization_id,
        lines.expense_id as document_id,
        1 as piece_group,
        lines.line_index as piece_order,
        lines.account_id,
        lines.amount,
        lines.cost_center
    from lines
    union all
    select
        expenses.organization_id,
        expenses.expense_id,
        1,
        0,
        expenses.account_id,
        expenses.sub_total,
        expenses.cost_center
    from expenses
    where
        not exists (
            select 1 from lines
            where lines.organization_id = expenses.organization_id and lines.expense_id = expenses.expense_id
        )
    union all
    select
        expenses.organization_id,
        expenses.expense_id,
        2,
        0,
        tax_settings.account_id,
        expenses.tax_amount,
        cast(null as varchar)
    from expenses
    left join tax_settings
        on expenses.organization_id = tax_settings.organization_id and expenses.tax_id = tax_settings.tax_id
    where coalesce(expenses.tax_id, '') <> ''
),

pieces as (
    select
        expense_pieces.organization_id,
        expense_pieces.document_id,
        row_number() over (
            partition by expense_pieces.organization_id, expense_pieces.document_id
            order by expense_pieces.piece_group, expense_pieces.piece_order
        ) - 1 as piece_index,
        expense_pieces.account_id,
        expense_pieces.amount,
        expense_pieces.cost_center,
        expenses.exchange_rate
    from expense_pieces
    inner join expenses
        on
            expense_pieces.organization_id = expenses.organization_id
            and expense_pieces.document_id = expenses.expense_id
),

based as (
    {{ cumulative_base('pieces') }}
),

all_entries as (
    select
        organization_id, document_id, piece_index, account_id, cost_center,
        base_amount as net_base, amount as net_transaction
    from based
    union all
    select
        expenses.organization_id,
        expenses.expense_id,
        coalesce(piece_counts.pieces, 0),
        expenses.paid_through_account_id,
        expenses.cost_center,
        -expenses.bcy_total,
        -expenses.total
    from expenses
    left join (
        select organization_id, document_id, count(*) as pieces from pieces group by organization_id, document_id
    ) as piece_counts
        on
            expenses.organization_id = piece_counts.organization_id
            and expenses.expense_id = piece_counts.document_id
),

entries as (
    select
        all_entries.*,
        expenses.expense_date as posting_date,
        expenses.reference_number as document_number,
        coalesce(nullif(expenses.vendor_id, ''), expenses.customer_id) as contact_id,
        expenses.currency_code,
        expenses.exchange_rate,
        expenses._synced_at,
        expenses._zoho_organization_id,
        expenses._zoho_source_id,
        expenses._load_id
    from all_entries
    inner join expenses
        on
            all_entries.organization_id = expenses.organization_id
            and all_entries.document_id = expenses.expense_id
    where all_entries.net_base <> 0
),

final as (
    select
        {{ gl_columns('expense') }}
    from entries
)

select * from final
