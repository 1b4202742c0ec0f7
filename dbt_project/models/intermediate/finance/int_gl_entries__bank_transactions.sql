-- Bank transactions that move money from one account into another (D68): transfers between accounts, deposits,
-- card payments, owner's contributions and drawings, interest and other income, expense refunds, sales without
-- invoices. Debit to_account_id, credit from_account_id, at bcy_total (total in the
-- transaction's currency); each line is filed under the transaction's own type, as Zoho's ledger files it.
-- A transaction with bank charges or tax, or without both accounts, gets a piece with no account: the unioned
-- list then leaves it whole to Zoho's own ledger (D60). Other types the bank list shows (expense,
-- customer_payment, vendor_payment...) are other modules' documents, posted by their own models.
with bank_transactions as (
    select * from {{ org_ref('stg_zoho_books__bank_transactions') }}
    where
        is_posting
        and not is_deleted
        and transaction_type in (
            'deposit', 'transfer_fund', 'card_payment', 'owner_contribution', 'owner_drawings',
            'interest_income', 'other_income', 'expense_refund', 'sales_without_invoices'
        )
),

all_entries as (
    select
        organization_id,
        bank_transaction_id as document_id,
        0 as piece_index,
        to_account_id as account_id,
        bcy_total as net_base,
        total as net_transaction
    from bank_transactions
    union all
    select
        organization_id,
        bank_transaction_id,
        1,
        from_account_id,
        -bcy_total,
        -total
    from bank_transactions
    union all
    -- not mapped: bank charges and tax on a bank transaction (their accounts are not on the record)
    select
        organization_id,
        bank_transaction_id,
        2,
        cast(null as varchar),
        {{ money(0) }},
        {{ money(0) }}
    from bank_transactions
    where bank_charges <> 0 or tax_amount <> 0
),

entries as (
    select
        all_entries.*,
        bank_transactions.transaction_type as source_type,
        cast(null as varchar) as cost_center,
        bank_transactions.transaction_date as posting_date,
        bank_transactions.reference_number as document_number,
        coalesce(bank_transactions.customer_id, bank_transactions.vendor_id) as contact_id,
        bank_transactions.currency_code,
        bank_transactions.exchange_rate,
        bank_transactions._synced_at,
        bank_transactions._zoho_organization_id,
        bank_transactions._zoho_source_id,
        bank_transactions._load_id
    from all_entries
    inner join bank_transactions
        on
            all_entries.organization_id = bank_transactions.organization_id
            and all_entries.document_id = bank_transactions.bank_transaction_id
    where all_entries.net_base <> 0 or all_entries.account_id is null
),

final as (
    select
        -- each entry carries its own source_type; cost_center is null throughout
        {{ gl_columns() }}
    from entries
)

select * from final
