-- Invoices (D22, D47): the document's own lines by the shared line-document rule; then, for an invoice written
-- off (D78), Dr bad debt / Cr the receivable for `write_off_amount` at the invoice's rate, on the day Zoho's
-- ledger shows the write-off on the bad-debt account (Zoho's write-off call takes no date and the invoice
-- documents none), else the day the invoice was last modified.
with document_entries as (
    {{ gl_line_document(
        'stg_zoho_books__invoices',
        'stg_zoho_books__invoice_line_items',
        'stg_zoho_books__invoice_taxes',
        'invoice_id',
        'invoice_number',
        'customer_id',
        'invoice',
        sales=true,
        negate=false
    ) }}
),

written_off as (
    select * from {{ ref('stg_zoho_books__invoices') }}
    where is_posting and not is_deleted and write_off_amount <> 0
),

system_accounts as (
    select * from {{ ref('int_system_accounts') }}
),

ledger_dates as (
    select
        ledger.organization_id,
        ledger.transaction_id as invoice_id,
        min(ledger.transaction_date) as written_off_on
    from {{ ref('stg_zoho_books__account_transactions') }} as ledger
    inner join system_accounts
        on
            ledger.organization_id = system_accounts.organization_id
            and ledger.account_id = system_accounts.account_id
            and system_accounts.role = 'bad_debt'
    where not ledger.is_deleted
    group by ledger.organization_id, ledger.transaction_id
),

last_pieces as (
    select organization_id, source_id, max(piece_index) as piece_index
    from document_entries
    group by organization_id, source_id
),

write_off_pieces as (
    select
        written_off.*,
        pieces.piece_offset,
        pieces.role,
        pieces.sign
    from written_off
    cross join (
        select 1 as piece_offset, 'bad_debt' as role, 1 as sign
        union all
        select 2, 'accounts_receivable', -1
    ) as pieces
),

write_off_entries as (
    select
        write_off_pieces.organization_id,
        coalesce(ledger_dates.written_off_on, write_off_pieces.last_modified_date) as posting_date,
        system_accounts.account_id,
        cast('invoice' as varchar) as source_type,
        write_off_pieces.invoice_id as source_id,
        write_off_pieces.invoice_number as source_number,
        nullif(write_off_pieces.customer_id, '') as contact_id,
        cast(null as varchar) as cost_center,
        cast(coalesce(last_pieces.piece_index, -1) + write_off_pieces.piece_offset as integer) as piece_index,
        {{ money(
            'write_off_pieces.sign * ' ~ to_base('write_off_pieces.write_off_amount', 'write_off_pieces.exchange_rate')
        ) }} as net_base,
        write_off_pieces.currency_code as transaction_currency,
        {{ fx_rate('write_off_pieces.exchange_rate') }} as exchange_rate,
        {{ money('write_off_pieces.sign * write_off_pieces.write_off_amount') }} as net_transaction,
        write_off_pieces._synced_at,
        write_off_pieces._zoho_organization_id,
        write_off_pieces._zoho_source_id,
        write_off_pieces._load_id
    from write_off_pieces
    left join system_accounts
        on
            write_off_pieces.organization_id = system_accounts.organization_id
            and write_off_pieces.role = system_accounts.role
    left join ledger_dates
        on
            write_off_pieces.organization_id = ledger_dates.organization_id
            and write_off_pieces.invoice_id = ledger_dates.invoice_id
    left join last_pieces
        on
            write_off_pieces.organization_id = last_pieces.organization_id
            and write_off_pieces.invoice_id = last_pieces.source_id
),

final as (
    select * from document_entries
    union all
    select * from write_off_entries
)

select * from final
