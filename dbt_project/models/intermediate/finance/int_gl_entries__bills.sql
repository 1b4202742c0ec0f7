-- Bills (D22, D47, D49, D79, D100, D102). On the bill's date, in this piece order with cumulative rounding: Dr each
-- line's account (item_total, net of its tax where prices include tax, with its cost center), Dr the purchase tax
-- account of each tax, Dr purchase shipping, Dr the adjustment, Cr the discount (the account the bill names, else
-- purchase discount), the round-off where there is one, Cr TDS payable for the tax withheld from the vendor; then
-- Cr the payable with bcy_total.
with bills as (
    select * from {{ org_ref('stg_zoho_books__bills') }}
    where is_posting and not is_deleted
),

lines as (
    select * from {{ org_ref('stg_zoho_books__bill_line_items') }}
),

taxes as (
    select * from {{ org_ref('stg_zoho_books__bill_taxes') }}
),

tax_settings as (
    select organization_id, tax_id, purchase_tax_account_id as account_id
    from {{ org_ref('int_tax_accounts') }}
),

system_accounts as (
    select * from {{ org_ref('int_system_accounts') }}
),

-- piece_group orders a bill's pieces: 1 lines, 2 taxes, 3 shipping, 4 adjustment, 5 discount, 6 round-off,
-- 7 tax withheld at source (TDS, D102).
-- Amounts are in the bill's currency, a debit positive.
bill_pieces as (
    select
        lines.organization_id,
        lines.bill_id as document_id,
        1 as piece_group,
        lines.line_index as piece_order,
        lines.account_id,
        lines.amount_excluding_tax as amount,
        lines.cost_center
    from lines
    union all
    select
        taxes.organization_id,
        taxes.bill_id,
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
        bills.organization_id,
        bills.bill_id,
        3,
        0,
        system_accounts.account_id,
        bills.shipping_charge,
        cast(null as varchar)
    from bills
    left join system_accounts
        on bills.organization_id = system_accounts.organization_id and system_accounts.role = 'purchase_shipping'
    union all
    select
        bills.organization_id,
        bills.bill_id,
        4,
        0,
        system_accounts.account_id,
        bills.adjustment,
        cast(null as varchar)
    from bills
    left join system_accounts
        on bills.organization_id = system_accounts.organization_id and system_accounts.role = 'purchase_adjustment'
    union all
    select
        bills.organization_id,
        bills.bill_id,
        5,
        0,
        coalesce(bills.discount_account_id, system_accounts.account_id),
        -bills.discount_total,
        cast(null as varchar)
    from bills
    left join system_accounts
        on bills.organization_id = system_accounts.organization_id and system_accounts.role = 'purchase_discount'
    union all
    -- Zoho's round-off of the total (roundoff_value), its own piece where there is one (D79)
    select
        bills.organization_id,
        bills.bill_id,
        6,
        0,
        system_accounts.account_id,
        bills.roundoff_value,
        cast(null as varchar)
    from bills
    left join system_accounts
        on bills.organization_id = system_accounts.organization_id and system_accounts.role = 'purchase_rounding'
    where bills.roundoff_value <> 0
    union all
    -- tax withheld from the vendor when the bill was recorded (tds_total): Cr TDS payable (D102)
    select
        bills.organization_id,
        bills.bill_id,
        7,
        0,
        system_accounts.account_id,
        -bills.tds_total,
        cast(null as varchar)
    from bills
    left join system_accounts
        on bills.organization_id = system_accounts.organization_id and system_accounts.role = 'tds_payable'
    where bills.tds_total <> 0
),

-- numbered pieces, cumulative rounding, the counter-entry and the header's columns: macros/ledger.sql
entries as (
    {{ document_entries(
        documents='bills',
        document_id='bill_id',
        pieces='bill_pieces',
        pieces_are='debits',
        counter_role='accounts_payable',
        document_number='bill_number',
        contact_id='vendor_id'
    ) }}
),

final as (
    select
        {{ gl_columns('bill') }}
    from entries
)

select * from final
