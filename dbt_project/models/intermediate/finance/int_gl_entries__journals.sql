-- Journals post as booked: each line's bcy_amount to its account, debit or credit; cost center from the line's
-- reporting tag (var cost_center_tag).
with journals as (
    select * from {{ org_ref('stg_zoho_books__journals') }}
    where is_posting and not is_deleted
),

lines as (
    select * from {{ org_ref('stg_zoho_books__journal_line_items') }}
),

entries as (
    select
        lines.organization_id,
        lines.journal_id as document_id,
        lines.line_index as piece_index,
        lines.account_id,
        lines.cost_center,
        case when lines.debit_or_credit = 'debit' then lines.bcy_amount else -lines.bcy_amount end as net_base,
        case when lines.debit_or_credit = 'debit' then lines.amount else -lines.amount end as net_transaction,
        journals.journal_date as posting_date,
        journals.entry_number as document_number,
        lines.customer_id as contact_id,
        journals.currency_code,
        journals.exchange_rate,
        journals._synced_at,
        journals._zoho_organization_id,
        journals._zoho_source_id,
        journals._load_id
    from lines
    inner join journals
        on lines.organization_id = journals.organization_id and lines.journal_id = journals.journal_id
    where lines.bcy_amount <> 0
),

final as (
    select
        {{ gl_columns('journal') }}
    from entries
)

select * from final
