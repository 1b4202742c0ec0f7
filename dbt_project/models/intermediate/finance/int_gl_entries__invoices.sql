-- Invoices (D22, D47, D49, D79). On the invoice's date, in this piece order with cumulative rounding: Cr each
-- line's account (item_total, net of its tax where prices include
-- tax (D100), with its cost center), Cr the sales tax account of each tax, Cr shipping charge,
-- Cr the adjustment, Dr the discount (the account the invoice names, else sales discount), the round-off where
-- there is one; then Dr the receivable with bcy_total. Then, for an invoice written off (D78), Dr bad debt / Cr the
-- receivable for `write_off_amount` at the invoice's rate, on the day Zoho's ledger shows the write-off on the
-- bad-debt account (Zoho's write-off call takes no date and the invoice documents none), else the day the invoice
-- was last modified.
with invoices as (
    select * from {{ org_ref('stg_zoho_books__invoices') }}
    where is_posting and not is_deleted
),

lines as (
    select * from {{ org_ref('stg_zoho_books__invoice_line_items') }}
),

taxes as (
    select * from {{ org_ref('stg_zoho_books__invoice_taxes') }}
),

tax_settings as (
    select organization_id, tax_id, tax_account_id as account_id
    from {{ org_ref('int_tax_accounts') }}
),

system_accounts as (
    select * from {{ org_ref('int_system_accounts') }}
),

ledger as (
    select * from {{ org_ref('stg_zoho_books__account_transactions') }}
    where not is_deleted
),

-- piece_group orders an invoice's pieces: 1 lines, 2 taxes, 3 shipping, 4 adjustment, 5 discount, 6 round-off.
-- Amounts are in the invoice's currency, a credit positive (the sign is turned below).
invoice_pieces as (
    select
        lines.organization_id,
        lines.invoice_id as document_id,
        1 as piece_group,
        lines.line_index as piece_order,
        lines.account_id,
        lines.amount_excluding_tax as amount,
        lines.cost_center
    from lines
    union all
    select
        taxes.organization_id,
        taxes.invoice_id,
        2,
        taxes.tax_index,
        tax_settings.account_id,
        taxes.tax_amount,
        cast(null as varchar)
    from taxes
    left join tax_settings
        on taxes.organization_id = tax_settings.organization_id and taxes.tax_id = tax_settings.tax_id
    union all
    select
        invoices.organization_id,
        invoices.invoice_id,
        3,
        0,
        system_accounts.account_id,
        invoices.shipping_charge,
        cast(null as varchar)
    from invoices
    left join system_accounts
        on invoices.organization_id = system_accounts.organization_id and system_accounts.role = 'shipping_charge'
    union all
    select
        invoices.organization_id,
        invoices.invoice_id,
        4,
        0,
        system_accounts.account_id,
        invoices.adjustment,
        cast(null as varchar)
    from invoices
    left join system_accounts
        on invoices.organization_id = system_accounts.organization_id and system_accounts.role = 'sales_adjustment'
    union all
    select
        invoices.organization_id,
        invoices.invoice_id,
        5,
        0,
        coalesce(invoices.discount_account_id, system_accounts.account_id),
        -invoices.discount_total,
        cast(null as varchar)
    from invoices
    left join system_accounts
        on invoices.organization_id = system_accounts.organization_id and system_accounts.role = 'sales_discount'
    union all
    -- Zoho's round-off of the total (roundoff_value), its own piece where there is one (D79)
    select
        invoices.organization_id,
        invoices.invoice_id,
        6,
        0,
        system_accounts.account_id,
        invoices.roundoff_value,
        cast(null as varchar)
    from invoices
    left join system_accounts
        on invoices.organization_id = system_accounts.organization_id and system_accounts.role = 'sales_rounding'
    where invoices.roundoff_value <> 0
),

-- numbered pieces, cumulative rounding, the counter-entry and the header's columns: macros/ledger.sql
entries as (
    {{ document_entries(
        documents='invoices',
        document_id='invoice_id',
        pieces='invoice_pieces',
        pieces_are='credits',
        counter_role='accounts_receivable',
        document_number='invoice_number',
        contact_id='customer_id'
    ) }}
),

document_entries as (
    select
        {{ gl_columns('invoice') }}
    from entries
),

written_off as (
    select * from invoices
    where write_off_amount <> 0
),

ledger_dates as (
    select
        ledger.organization_id,
        ledger.transaction_id as invoice_id,
        min(ledger.transaction_date) as written_off_on
    from ledger
    inner join system_accounts
        on
            ledger.organization_id = system_accounts.organization_id
            and ledger.account_id = system_accounts.account_id
            and system_accounts.role = 'bad_debt'
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
