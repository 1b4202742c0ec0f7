-- Vendor credits (D22, D47, D49, D79): the bill's pieces reversed. On the vendor credit's date, in this piece order
-- with cumulative rounding: Cr each line's account (item_total, net of its tax where prices include
-- tax (D100), with its cost center), Cr the purchase tax account
-- of each tax, Cr purchase shipping, Cr the adjustment, Dr the discount (the account the vendor credit names, else
-- purchase discount), the round-off where there is one; then Dr the payable with bcy_total.
with vendor_credits as (
    select * from {{ org_ref('stg_zoho_books__vendor_credits') }}
    where is_posting and not is_deleted
),

lines as (
    select * from {{ org_ref('stg_zoho_books__vendor_credit_line_items') }}
),

taxes as (
    select * from {{ org_ref('stg_zoho_books__vendor_credit_taxes') }}
),

tax_settings as (
    select organization_id, tax_id, purchase_tax_account_id as account_id
    from {{ org_ref('int_tax_accounts') }}
),

system_accounts as (
    select * from {{ org_ref('int_system_accounts') }}
),

-- piece_group orders a vendor credit's pieces: 1 lines, 2 taxes, 3 shipping, 4 adjustment, 5 discount, 6 round-off.
-- Amounts are in the vendor credit's currency, a credit positive (the sign is turned below).
vendor_credit_pieces as (
    select
        lines.organization_id,
        lines.vendor_credit_id as document_id,
        1 as piece_group,
        lines.line_index as piece_order,
        lines.account_id,
        lines.amount_excluding_tax as amount,
        lines.cost_center
    from lines
    union all
    select
        taxes.organization_id,
        taxes.vendor_credit_id,
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
        vendor_credits.organization_id,
        vendor_credits.vendor_credit_id,
        3,
        0,
        system_accounts.account_id,
        vendor_credits.shipping_charge,
        cast(null as varchar)
    from vendor_credits
    left join system_accounts
        on
            vendor_credits.organization_id = system_accounts.organization_id
            and system_accounts.role = 'purchase_shipping'
    union all
    select
        vendor_credits.organization_id,
        vendor_credits.vendor_credit_id,
        4,
        0,
        system_accounts.account_id,
        vendor_credits.adjustment,
        cast(null as varchar)
    from vendor_credits
    left join system_accounts
        on
            vendor_credits.organization_id = system_accounts.organization_id
            and system_accounts.role = 'purchase_adjustment'
    union all
    select
        vendor_credits.organization_id,
        vendor_credits.vendor_credit_id,
        5,
        0,
        coalesce(vendor_credits.discount_account_id, system_accounts.account_id),
        -vendor_credits.discount_total,
        cast(null as varchar)
    from vendor_credits
    left join system_accounts
        on
            vendor_credits.organization_id = system_accounts.organization_id
            and system_accounts.role = 'purchase_discount'
    union all
    -- Zoho's round-off of the total (roundoff_value), its own piece where there is one (D79)
    select
        vendor_credits.organization_id,
        vendor_credits.vendor_credit_id,
        6,
        0,
        system_accounts.account_id,
        vendor_credits.roundoff_value,
        cast(null as varchar)
    from vendor_credits
    left join system_accounts
        on
            vendor_credits.organization_id = system_accounts.organization_id
            and system_accounts.role = 'purchase_rounding'
    where vendor_credits.roundoff_value <> 0
),

-- numbered pieces, cumulative rounding, the counter-entry and the header's columns: macros/ledger.sql
entries as (
    {{ document_entries(
        documents='vendor_credits',
        document_id='vendor_credit_id',
        pieces='vendor_credit_pieces',
        pieces_are='credits',
        counter_role='accounts_payable',
        document_number='vendor_credit_number',
        contact_id='vendor_id'
    ) }}
),

final as (
    select
        {{ gl_columns('vendor_credit') }}
    from entries
)

select * from final
