-- Vendor payments (D22, D101, D135): customer payments mirrored. On the payment's date: Cr the bank (the base amount of
-- Zoho's list row, less the bank charges at the payment's rate), Cr bank charges, Cr TDS payable for the tax
-- withheld from the vendor (at the payment's rate), Dr the payable of each bill the payment settles (the amount
-- applied plus the tax withheld on it, at the bill's own rate), Dr the payable for what no bill takes (an
-- overpayment, at the payment's rate), and the difference to exchange gain or loss (a loss a debit, a gain a credit).
with payments as (
    select * from {{ org_ref('stg_zoho_books__vendor_payments') }}
    where is_posting and not is_deleted
),

applied as (
    select * from {{ org_ref('stg_zoho_books__vendor_payments_applied') }}
),

bills as (
    select organization_id, bill_id, exchange_rate from {{ org_ref('stg_zoho_books__bills') }}
),

system_accounts as (
    select * from {{ org_ref('int_system_accounts') }}
),

bank_pieces as (
    select
        payments.organization_id,
        payments.payment_id as document_id,
        0 as piece_index,
        payments.account_id,
        -(payments.bcy_amount - {{ to_base('payments.bank_charges', 'payments.exchange_rate') }}) as net_base,
        -(payments.amount - payments.bank_charges) as net_transaction
    from payments
    union all
    select
        payments.organization_id,
        payments.payment_id,
        1,
        system_accounts.account_id,
        -{{ to_base('payments.bank_charges', 'payments.exchange_rate') }},
        -payments.bank_charges
    from payments
    left join system_accounts
        on payments.organization_id = system_accounts.organization_id and system_accounts.role = 'bank_charges'
    where payments.bank_charges <> 0
    union all
    -- tax deducted at source: withheld from the vendor, owed to the state (D101)
    select
        payments.organization_id,
        payments.payment_id,
        case when payments.bank_charges <> 0 then 2 else 1 end,
        system_accounts.account_id,
        -{{ to_base('payments.tax_amount_withheld', 'payments.exchange_rate') }},
        -payments.tax_amount_withheld
    from payments
    left join system_accounts
        on payments.organization_id = system_accounts.organization_id and system_accounts.role = 'tds_payable'
    where payments.tax_amount_withheld <> 0
),

-- each bill the payment settles, after the bank and its charges, at the bill's own rate
applied_pieces as (
    select
        payments.organization_id,
        payments.payment_id as document_id,
        1
        + (case when payments.bank_charges <> 0 then 1 else 0 end)
        + (case when payments.tax_amount_withheld <> 0 then 1 else 0 end)
        + applied.applied_index as piece_index,
        system_accounts.account_id,
        {{ to_base(
            'applied.amount_applied + applied.tax_amount_withheld',
            'coalesce(bills.exchange_rate, payments.exchange_rate)'
        ) }} as net_base,
        applied.amount_applied + applied.tax_amount_withheld as net_transaction
    from payments
    inner join applied
        on payments.organization_id = applied.organization_id and payments.payment_id = applied.payment_id
    left join bills
        on applied.organization_id = bills.organization_id and applied.bill_id = bills.bill_id
    left join system_accounts
        on payments.organization_id = system_accounts.organization_id and system_accounts.role = 'accounts_payable'
),

applied_totals as (
    select
        payments.organization_id,
        payments.payment_id,
        payments.amount - coalesce(sum(applied.amount_applied), 0) as unapplied_amount,
        count(applied.applied_index) as applied_count
    from payments
    left join applied
        on payments.organization_id = applied.organization_id and payments.payment_id = applied.payment_id
    group by payments.organization_id, payments.payment_id, payments.amount
),

-- what the payment does not apply to a bill (an overpayment): the vendor's debit on the payable, at the payment's
-- rate, after the bills (D135); a refund of it credits the payable back
unapplied_pieces as (
    select
        payments.organization_id,
        payments.payment_id as document_id,
        1
        + (case when payments.bank_charges <> 0 then 1 else 0 end)
        + (case when payments.tax_amount_withheld <> 0 then 1 else 0 end)
        + totals.applied_count as piece_index,
        system_accounts.account_id,
        {{ to_base('totals.unapplied_amount', 'payments.exchange_rate') }} as net_base,
        totals.unapplied_amount as net_transaction
    from payments
    inner join applied_totals as totals
        on payments.organization_id = totals.organization_id and payments.payment_id = totals.payment_id
    left join system_accounts
        on payments.organization_id = system_accounts.organization_id and system_accounts.role = 'accounts_payable'
    where totals.unapplied_amount > 0
),

settled_pieces as (
    select * from bank_pieces
    union all
    select * from applied_pieces
    union all
    select * from unapplied_pieces
),

exchange_difference as (
    select
        settled.organization_id,
        settled.document_id,
        max(settled.piece_index) + 1 as piece_index,
        system_accounts.account_id,
        -sum(settled.net_base) as net_base,
        {{ money(0) }} as net_transaction
    from settled_pieces as settled
    left join system_accounts
        on settled.organization_id = system_accounts.organization_id and system_accounts.role = 'exchange_gain_loss'
    group by settled.organization_id, settled.document_id, system_accounts.account_id
),

entries as (
    select
        all_pieces.*,
        cast(null as varchar) as cost_center,
        payments.payment_date as posting_date,
        payments.payment_number as document_number,
        payments.vendor_id as contact_id,
        payments.currency_code,
        payments.exchange_rate,
        payments._synced_at,
        payments._zoho_organization_id,
        payments._zoho_source_id,
        payments._load_id
    from (
        select * from settled_pieces
        union all
        select * from exchange_difference
    ) as all_pieces
    inner join payments
        on all_pieces.organization_id = payments.organization_id and all_pieces.document_id = payments.payment_id
    where all_pieces.net_base <> 0
),

final as (
    select
        {{ gl_columns('vendor_payment') }}
    from entries
)

select * from final
