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

-- the Exchange Gain or Loss piece and the refund's header columns: macros/ledger.sql
entries as (
    {{ refund_entries(
        settled='settled_pieces',
        refund_id='creditnote_refund_id',
        refunded='credit_notes',
        refunded_key='creditnote_id',
        document_number='coalesce(credit_notes.creditnote_number, refunds.creditnote_number)',
        contact_id='customer_id'
    ) }}
),

final as (
    select
        {{ gl_columns('creditnote_refund') }}
    from entries
)

select * from final
