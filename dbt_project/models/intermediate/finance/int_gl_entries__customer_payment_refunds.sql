-- A refund of a customer payment pays back part or all of what the payment left unapplied (D135): the bank (or
-- cash) account it was paid from is credited with the refund's base amount, and the account the excess waited in
-- is debited at the payment's own rate: the customer advance account where the payment left an amount
-- unapplied (D77 parks it there), else the receivable. The difference goes to Exchange Gain or Loss (a loss a
-- debit, a gain a credit). A refund whose answers name no bank account is left whole to Zoho's ledger (D60).
with refunds as (
    select * from {{ org_ref('stg_zoho_books__customer_payment_refunds') }}
    where is_posting and not is_deleted
),

payments as (
    select organization_id, payment_id, payment_number, customer_id, currency_code, exchange_rate, amount
    from {{ org_ref('stg_zoho_books__customer_payments') }}
    where not is_deleted
),

applied as (
    select organization_id, payment_id, sum(amount_applied) as amount_applied
    from {{ org_ref('stg_zoho_books__customer_payments_applied') }}
    group by organization_id, payment_id
),

-- where the refunded excess waited: the advance account when the payment left any amount unapplied
held_in as (
    select
        payments.organization_id,
        payments.payment_id,
        case
            when payments.amount - coalesce(applied.amount_applied, 0) > 0 then 'customer_advance'
            else 'accounts_receivable'
        end as role
    from payments
    left join applied
        on payments.organization_id = applied.organization_id and payments.payment_id = applied.payment_id
),

system_accounts as (
    select * from {{ org_ref('int_system_accounts') }}
),

settled_pieces as (
    select
        refunds.organization_id,
        refunds.payment_refund_id as document_id,
        0 as piece_index,
        refunds.account_id,
        -refunds.bcy_amount as net_base,
        -refunds.amount as net_transaction
    from refunds
    union all
    select
        refunds.organization_id,
        refunds.payment_refund_id as document_id,
        1 as piece_index,
        system_accounts.account_id,
        {{ to_base('refunds.amount', 'coalesce(payments.exchange_rate, refunds.exchange_rate)') }} as net_base,
        refunds.amount as net_transaction
    from refunds
    left join payments
        on refunds.organization_id = payments.organization_id and refunds.payment_id = payments.payment_id
    left join held_in
        on refunds.organization_id = held_in.organization_id and refunds.payment_id = held_in.payment_id
    left join system_accounts
        on
            refunds.organization_id = system_accounts.organization_id
            and system_accounts.role = coalesce(held_in.role, 'customer_advance')
),

-- the Exchange Gain or Loss piece and the refund's header columns: macros/ledger.sql
entries as (
    {{ refund_entries(
        settled='settled_pieces',
        refund_id='payment_refund_id',
        refunded='payments',
        refunded_key='payment_id',
        document_number='payments.payment_number',
        contact_id='customer_id'
    ) }}
),

final as (
    select
        {{ gl_columns('customer_payment_refund') }}
    from entries
)

select * from final
