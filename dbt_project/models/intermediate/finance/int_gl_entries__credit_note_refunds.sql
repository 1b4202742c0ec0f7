-- A refund of a credit note pays the customer back part or all of the open credit (D72): the bank (or cash)
-- account it was paid from is credited with the refund's base amount, the receivable debited at the credit
-- note's own rate (where its credit was booked), and the difference goes to Exchange Gain or Loss (a loss a
-- debit, a gain a credit), as for payments. A refund without a bank account is left to Zoho's ledger (D60).
with refunds as (
    select * from {{ org_ref('stg_zoho_books__credit_note_refunds') }}
    where is_posting and not is_deleted
),

credit_notes as (
    select organization_id, creditnote_id, creditnote_number, customer_id, currency_code, exchange_rate
    from {{ org_ref('stg_zoho_books__credit_notes') }}
),

system_accounts as (
    select * from {{ org_ref('int_system_accounts') }}
),

settled_pieces as (
    select
        refunds.organization_id,
        refunds.creditnote_refund_id as document_id,
        0 as piece_index,
        refunds.account_id,
        -refunds.bcy_amount as net_base,
        -refunds.amount as net_transaction
    from refunds
    union all
    select
        refunds.organization_id,
        refunds.creditnote_refund_id as document_id,
        1 as piece_index,
        system_accounts.account_id,
        {{ to_base('refunds.amount', 'coalesce(credit_notes.exchange_rate, refunds.exchange_rate)') }} as net_base,
        refunds.amount as net_transaction
    from refunds
    left join credit_notes
        on
            refunds.organization_id = credit_notes.organization_id
            and refunds.creditnote_id = credit_notes.creditnote_id
    left join system_accounts
        on
            refunds.organization_id = system_accounts.organization_id
            and system_accounts.role = 'accounts_receivable'
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
        coalesce(credit_notes.creditnote_number, refunds.creditnote_number) as document_number,
        credit_notes.customer_id as contact_id,
        credit_notes.currency_code,
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
            and all_entries.document_id = refunds.creditnote_refund_id
    left join credit_notes
        on
            refunds.organization_id = credit_notes.organization_id
            and refunds.creditnote_id = credit_notes.creditnote_id
    where all_entries.net_base <> 0
),

final as (
    select
        {{ gl_columns('creditnote_refund') }}
    from entries
)

select * from final
