-- Customer payments (D22, D77, D81). On the payment's date: Dr the bank (the base amount of Zoho's list row,
-- less the bank charges at the payment's rate), Dr bank charges, Dr the TDS receivable for tax the customer
-- withheld, Cr the receivable of each invoice the payment settles on that date (amount applied plus tax withheld,
-- at the invoice's own rate), Cr the customer advance account for what is left unapplied (at the payment's
-- rate), and the difference to exchange gain or loss. An application to an invoice raised after the payment (an
-- advance applied later) settles on the invoice's date, the later of the two documents (Zoho documents no apply
-- date on a payment's invoices[]: their `date` is the invoice's): Dr customer advance at the payment's rate,
-- Cr the receivable at the invoice's rate, the difference to exchange gain or loss.
with payments as (
    select * from {{ org_ref('stg_zoho_books__customer_payments') }}
    where is_posting and not is_deleted
),

invoices as (
    select organization_id, invoice_id, document_date, exchange_rate from {{ org_ref('stg_zoho_books__invoices') }}
),

system_accounts as (
    select * from {{ org_ref('int_system_accounts') }}
),

applications as (
    select
        applied.organization_id,
        applied.payment_id,
        applied.applied_index,
        applied.amount_applied,
        -- what settles the invoice: the amount applied and the tax the customer withheld (D81)
        applied.amount_applied + coalesce(applied.tax_amount_withheld, 0) as amount_settled,
        coalesce(invoices.exchange_rate, payments.exchange_rate) as invoice_rate,
        greatest(payments.payment_date, coalesce(invoices.document_date, payments.payment_date)) as applied_on
    from {{ org_ref('stg_zoho_books__customer_payments_applied', 'applied') }}
    inner join payments
        on applied.organization_id = payments.organization_id and applied.payment_id = payments.payment_id
    left join invoices
        on applied.organization_id = invoices.organization_id and applied.invoice_id = invoices.invoice_id
),

-- What the payment leaves unapplied on its own date: the customer's advance (an overpayment, a prepayment).
unapplied as (
    select
        payments.organization_id,
        payments.payment_id,
        payments.amount - coalesce(sum(applications.amount_applied), 0) as amount
    from payments
    left join applications
        on
            payments.organization_id = applications.organization_id
            and payments.payment_id = applications.payment_id
            and applications.applied_on = payments.payment_date
    group by payments.organization_id, payments.payment_id, payments.amount
),

-- piece_group orders a payment's pieces: 1 bank, 2 bank charges and tax withheld, 3 receivables settled on the
-- payment's date, 4 the advance, 6 the exchange difference; later applications 7 (advance and receivable), 8 their
-- difference.
settled_pieces as (
    select
        payments.organization_id,
        payments.payment_id as document_id,
        payments.payment_date as posting_date,
        1 as piece_group,
        0 as piece_order,
        payments.account_id,
        payments.bcy_amount - {{ to_base('payments.bank_charges', 'payments.exchange_rate') }} as net_base,
        payments.amount - payments.bank_charges as net_transaction
    from payments
    union all
    select
        payments.organization_id,
        payments.payment_id,
        payments.payment_date,
        2,
        0,
        system_accounts.account_id,
        {{ to_base('payments.bank_charges', 'payments.exchange_rate') }},
        payments.bank_charges
    from payments
    left join system_accounts
        on payments.organization_id = system_accounts.organization_id and system_accounts.role = 'bank_charges'
    where payments.bank_charges <> 0
    union all
    -- tax deducted at source by the customer: the account the payment names, else the one Zoho's ledger shows
    select
        payments.organization_id,
        payments.payment_id,
        payments.payment_date,
        2,
        1,
        coalesce(payments.tax_account_id, system_accounts.account_id),
        {{ to_base('payments.tax_amount_withheld', 'payments.exchange_rate') }},
        payments.tax_amount_withheld
    from payments
    left join system_accounts
        on payments.organization_id = system_accounts.organization_id and system_accounts.role = 'tds_receivable'
    where payments.tax_amount_withheld <> 0
    union all
    select
        applications.organization_id,
        applications.payment_id,
        applications.applied_on,
        case when applications.applied_on = payments.payment_date then 3 else 7 end,
        2 * applications.applied_index + 1,
        system_accounts.account_id,
        -{{ to_base('applications.amount_settled', 'applications.invoice_rate') }},
        -applications.amount_settled
    from applications
    inner join payments
        on applications.organization_id = payments.organization_id and applications.payment_id = payments.payment_id
    left join system_accounts
        on
            applications.organization_id = system_accounts.organization_id
            and system_accounts.role = 'accounts_receivable'
    union all
    select
        payments.organization_id,
        payments.payment_id,
        payments.payment_date,
        4,
        0,
        system_accounts.account_id,
        -{{ to_base('unapplied.amount', 'payments.exchange_rate') }},
        -unapplied.amount
    from payments
    inner join unapplied
        on payments.organization_id = unapplied.organization_id and payments.payment_id = unapplied.payment_id
    left join system_accounts
        on payments.organization_id = system_accounts.organization_id and system_accounts.role = 'customer_advance'
    where unapplied.amount <> 0
    union all
    select
        applications.organization_id,
        applications.payment_id,
        applications.applied_on,
        7,
        2 * applications.applied_index,
        system_accounts.account_id,
        {{ to_base('applications.amount_applied', 'payments.exchange_rate') }},
        applications.amount_applied
    from applications
    inner join payments
        on applications.organization_id = payments.organization_id and applications.payment_id = payments.payment_id
    left join system_accounts
        on payments.organization_id = system_accounts.organization_id and system_accounts.role = 'customer_advance'
    where applications.applied_on > payments.payment_date
),

exchange_difference as (
    select
        settled.organization_id,
        settled.document_id,
        settled.posting_date,
        case when max(settled.piece_group) <= 4 then 6 else 8 end as piece_group,
        0 as piece_order,
        system_accounts.account_id,
        -sum(settled.net_base) as net_base,
        {{ money(0) }} as net_transaction
    from settled_pieces as settled
    left join system_accounts
        on settled.organization_id = system_accounts.organization_id and system_accounts.role = 'exchange_gain_loss'
    group by settled.organization_id, settled.document_id, settled.posting_date, system_accounts.account_id
    having sum(settled.net_base) <> 0
),

all_pieces as (
    select
        pieces.*,
        row_number() over (
            partition by pieces.organization_id, pieces.document_id
            order by pieces.posting_date, pieces.piece_group, pieces.piece_order
        ) - 1 as piece_index
    from (
        select * from settled_pieces
        union all
        select * from exchange_difference
    ) as pieces
),

entries as (
    select
        all_pieces.organization_id,
        all_pieces.document_id,
        all_pieces.posting_date,
        all_pieces.piece_index,
        all_pieces.account_id,
        all_pieces.net_base,
        all_pieces.net_transaction,
        cast(null as varchar) as cost_center,
        payments.payment_number as document_number,
        payments.customer_id as contact_id,
        payments.currency_code,
        payments.exchange_rate,
        payments._synced_at,
        payments._zoho_organization_id,
        payments._zoho_source_id,
        payments._load_id
    from all_pieces
    inner join payments
        on all_pieces.organization_id = payments.organization_id and all_pieces.document_id = payments.payment_id
    where all_pieces.net_base <> 0
),

final as (
    select
        {{ gl_columns('customer_payment') }}
    from entries
)

select * from final
