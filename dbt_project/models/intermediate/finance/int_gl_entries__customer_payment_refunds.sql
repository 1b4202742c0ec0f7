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

exchange_difference as (
    select
        settled.organization_id,
        settled.document_id,
        2 as piece_index,
        system_accounts.account_id,
        -sum(settled.net_base) as net_base,
        {{ money(0) }} as net_transaction
    from settled_pieces as settled
    left join system_accounts
        on
            settled.organization_id = system_accounts.organization_id
            and system_accounts.role = 'exchange_gain_loss'
    group by settled.organization_id, settled.document_id, system_accounts.account_id
),

entries as (
    select
        all_entries.*,
        cast(null as varchar) as cost_center,
        refunds.refund_date as posting_date,
        payments.payment_number as document_number,
        payments.customer_id as contact_id,
        payments.currency_code,
        refunds.exchange_rate,
        refunds._synced_at,
        refunds._zoho_organization_id,
        refunds._zoho_source_id,
        refunds._load_id
    from (
        select * from settled_pieces
        union all
        select * from exchange_difference
    ) as all_entries
    inner join refunds
        on
            all_entries.organization_id = refunds.organization_id
            and all_entries.document_id = refunds.payment_refund_id
    left join payments
        on refunds.organization_id = payments.organization_id and refunds.payment_id = payments.payment_id
    where all_entries.net_base <> 0
),

final as (
    select
        {{ gl_columns('customer_payment_refund') }}
    from entries
)

select * from final
