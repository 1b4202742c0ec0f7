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

-- an expense names its contact as a vendor, else a customer
expense_documents as (
    select
        expenses.*,
        coalesce(nullif(expenses.vendor_id, ''), expenses.customer_id) as contact_id
    from expenses
),

-- numbered pieces, cumulative rounding, the counter-entry and the header's columns: macros/ledger.sql
entries as (
    {{ document_entries(
        documents='expense_documents',
        document_id='expense_id',
        pieces='expense_pieces',
        pieces_are='debits',
        counter_account_column='paid_through_account_id',
        counter_cost_center_column='cost_center',
        posting_date='expense_date',
        document_number='reference_number',
        contact_id='contact_id'
    ) }}
),

final as (
    select
        {{ gl_columns('expense') }}
    from entries
)

select * from final
