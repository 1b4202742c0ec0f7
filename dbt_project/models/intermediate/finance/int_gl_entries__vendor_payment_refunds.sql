-- A refund of a vendor payment: the vendor pays back part or all of what the payment did not apply to a bill
-- (D135), customer payment refunds mirrored. The bank (or cash) account it was received into is debited with the
-- refund's base amount, the payable (where the vendor's excess waited as a debit) credited at the payment's own
-- rate, and the difference goes to Exchange Gain or Loss (a loss a debit, a gain a credit). A refund whose answers
-- name no bank account is left whole to Zoho's ledger (D60).
with refunds as (
    select * from {{ org_ref('stg_zoho_books__vendor_payment_refunds') }}
    where is_posting and not is_deleted
),

payments as (
    select organization_id, payment_id, payment_number, vendor_id, currency_code, exchange_rate
    from {{ org_ref('stg_zoho_books__vendor_payments') }}
    where not is_deleted
),

system_accounts as (
    select * from {{ org_ref('int_system_accounts') }}
),

settled_pieces as (
    select
        refunds.organization_id,
        refunds.vendorpayment_refund_id as document_id,
        0 as piece_index,
        refunds.account_id,
        refunds.bcy_amount as net_base,
        refunds.amount as net_transaction
    from refunds
    union all
    select
        refunds.organization_id,
        refunds.vendorpayment_refund_id as document_id,
        1 as piece_index,
        system_accounts.account_id,
        -{{ to_base('refunds.amount', 'coalesce(payments.exchange_rate, refunds.exchange_rate)') }} as net_base,
        -refunds.amount as net_transaction
    from refunds
    left join payments
        on refunds.organization_id = payments.organization_id and refunds.payment_id = payments.payment_id
    left join system_accounts
        on
            refunds.organization_id = system_accounts.organization_id
            and system_accounts.role = 'accounts_payable'
),

-- the Exchange Gain or Loss piece and the refund's header columns: macros/ledger.sql
entries as (
    {{ refund_entries(
        settled='settled_pieces',
        refund_id='vendorpayment_refund_id',
        refunded='payments',
        refunded_key='payment_id',
        document_number='payments.payment_number',
        contact_id='vendor_id'
    ) }}
),

final as (
    select
        {{ gl_columns('vendor_payment_refund') }}
    from entries
)

select * from final
