-- Credit notes (D22, D47, D49, D79): the invoice's pieces reversed. On the credit note's date, in this piece order
-- with cumulative rounding: Dr each line's account (item_total, net of its tax where prices include
-- tax (D100), with its cost center), Dr the sales tax account of
-- each tax, Dr shipping charge, Dr the adjustment, Cr the discount (the account the credit note names, else sales
-- discount), the round-off where there is one; then Cr the receivable with bcy_total.
with credit_notes as (
    select * from {{ org_ref('stg_zoho_books__credit_notes') }}
    where is_posting and not is_deleted
),

lines as (
    select * from {{ org_ref('stg_zoho_books__credit_note_line_items') }}
),

taxes as (
    select * from {{ org_ref('stg_zoho_books__credit_note_taxes') }}
),

tax_settings as (
    select organization_id, tax_id, tax_account_id as account_id
    from {{ org_ref('int_tax_accounts') }}
),

system_accounts as (
    select * from {{ org_ref('int_system_accounts') }}
),

-- piece_group orders a credit note's pieces: 1 lines, 2 taxes, 3 shipping, 4 adjustment, 5 discount, 6 round-off.
-- Amounts are in the credit note's currency, a debit positive.
credit_note_pieces as (
    select
        lines.organization_id,
        lines.creditnote_id as document_id,
        1 as piece_group,
        lines.line_index as piece_order,
        lines.account_id,
        lines.amount_excluding_tax as amount,
        lines.cost_center
    from lines
    union all
    select
        taxes.organization_id,
        taxes.creditnote_id,
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
        credit_notes.organization_id,
        credit_notes.creditnote_id,
        3,
        0,
        system_accounts.account_id,
        credit_notes.shipping_charge,
        cast(null as varchar)
    from credit_notes
    left join system_accounts
        on credit_notes.organization_id = system_accounts.organization_id and system_accounts.role = 'shipping_charge'
    union all
    select
        credit_notes.organization_id,
        credit_notes.creditnote_id,
        4,
        0,
        system_accounts.account_id,
        credit_notes.adjustment,
        cast(null as varchar)
    from credit_notes
    left join system_accounts
        on credit_notes.organization_id = system_accounts.organization_id and system_accounts.role = 'sales_adjustment'
    union all
    select
        credit_notes.organization_id,
        credit_notes.creditnote_id,
        5,
        0,
        coalesce(credit_notes.discount_account_id, system_accounts.account_id),
        -credit_notes.discount_total,
        cast(null as varchar)
    from credit_notes
    left join system_accounts
        on credit_notes.organization_id = system_accounts.organization_id and system_accounts.role = 'sales_discount'
    union all
    -- Zoho's round-off of the total (roundoff_value), its own piece where there is one (D79)
    select
        credit_notes.organization_id,
        credit_notes.creditnote_id,
        6,
        0,
        system_accounts.account_id,
        credit_notes.roundoff_value,
        cast(null as varchar)
    from credit_notes
    left join system_accounts
        on credit_notes.organization_id = system_accounts.organization_id and system_accounts.role = 'sales_rounding'
    where credit_notes.roundoff_value <> 0
),

-- numbered pieces, cumulative rounding, the counter-entry and the header's columns: macros/ledger.sql
entries as (
    {{ document_entries(
        documents='credit_notes',
        document_id='creditnote_id',
        pieces='credit_note_pieces',
        pieces_are='debits',
        counter_role='accounts_receivable',
        document_number='creditnote_number',
        contact_id='customer_id'
    ) }}
),

final as (
    select
        {{ gl_columns('credit_note') }}
    from entries
)

select * from final
