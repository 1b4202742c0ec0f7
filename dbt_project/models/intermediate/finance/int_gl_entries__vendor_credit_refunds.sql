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
        coalesce(vendor_credits.vendor_credit_number, refunds.vendor_credit_number) as document_number,
        vendor_credits.vendor_id as contact_id,
        vendor_credits.currency_code,
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
            and all_entries.document_id = refunds.vendor_credit_refund_id
    left join vendor_credits
        on
            refunds.organization_id = vendor_credits.organization_id
            and refunds.vendor_credit_id = vendor_credits.vendor_credit_id
    where all_entries.net_base <> 0
),

final as (
    select
        {{ gl_columns('vendor_credit_refund') }}
    from entries
)

select * from final
