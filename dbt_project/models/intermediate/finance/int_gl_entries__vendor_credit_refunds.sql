-- A refund of a vendor credit: the vendor pays back part or all of the open credit (D72). It mirrors a credit
-- note refund: the bank (or cash) account it was received into is debited with the refund's base amount, the
-- payable credited at the vendor credit's own rate, the difference to Exchange Gain or Loss. A refund without
-- a bank account is left to Zoho's ledger (D60).
with refunds as (
    select * from {{ org_ref('stg_zoho_books__vendor_credit_refunds') }}
    where is_posting and not is_deleted
),

vendor_credits as (
    select organization_id, vendor_credit_id, vendor_credit_number, vendor_id, currency_code, exchange_rate
    from {{ org_ref('stg_zoho_books__vendor_credits') }}
),

system_accounts as (
    select * from {{ org_ref('int_system_accounts') }}
),

settled_pieces as (
    select
        refunds.organization_id,
        refunds.vendor_credit_refund_id as document_id,
        0 as piece_index,
        refunds.account_id,
        refunds.bcy_amount as net_base,
        refunds.amount as net_transaction
    from refunds
    union all
    select
        refunds.organization_id,
        refunds.vendor_credit_refund_id as document_id,
        1 as piece_index,
        system_accounts.account_id,
        -{{ to_base('refunds.amount', 'coalesce(vendor_credits.exchange_rate, refunds.exchange_rate)') }} as net_base,
        -refunds.amount as net_transaction
    from refunds
    left join vendor_credits
        on
            refunds.organization_id = vendor_credits.organization_id
            and refunds.vendor_credit_id = vendor_credits.vendor_credit_id
    left join system_accounts
        on
            refunds.organization_id = system_accounts.organization_id
            and system_accounts.role = 'accounts_payable'
),

-- the Exchange Gain or Loss piece and the refund's header columns: macros/ledger.sql
entries as (
    {{ refund_entries(
        settled='settled_pieces',
        refund_id='vendor_credit_refund_id',
        refunded='vendor_credits',
        refunded_key='vendor_credit_id',
        document_number='coalesce(vendor_credits.vendor_credit_number, refunds.vendor_credit_number)',
        contact_id='vendor_id'
    ) }}
),

final as (
    select
        {{ gl_columns('vendor_credit_refund') }}
    from entries
)

select * from final
