-- The transactions behind each difference of rpt_gl_reconciliation: per organization, Zoho transaction type,
-- source transaction, account and month where the general ledger's amounts differ from Zoho's ledger, in a
-- type × account × month that does not reconcile (D64).
-- Empty when everything reconciles; what a user opens in Zoho to see why.
with lines as (
    select * from {{ org_ref('int_gl_reconciliation_lines') }}
),

grouped as (
    select
        organization_id,
        zoho_transaction_type,
        source_id,
        account_id,
        period_month,
        min(source_type) as source_type,
        min(source_number) as source_number,
        min(posting_date) as posting_date,
        sum(case when line_origin = 'zoho' then 0 else debit_base end) as ledger_debit_base,
        sum(case when line_origin = 'zoho' then 0 else credit_base end) as ledger_credit_base,
        sum(case when line_origin = 'zoho' then debit_base else 0 end) as zoho_debit_base,
        sum(case when line_origin = 'zoho' then credit_base else 0 end) as zoho_credit_base,
        sum(case when line_origin = 'derived' then 1 else 0 end) as derived_entry_count,
        sum(case when line_origin = 'zoho' then 1 else 0 end) as zoho_entry_count
    from lines
    group by organization_id, zoho_transaction_type, source_id, account_id, period_month
),

-- Only cells (organization, type, account, month) that do not reconcile: a Zoho line filed without its
-- transaction id pairs with no document by itself, yet its cell still ties to the ledger.
cells as (
    select
        grouped.*,
        sum(ledger_debit_base - zoho_debit_base) over (
            partition by organization_id, zoho_transaction_type, account_id, period_month
        ) as cell_debit_difference,
        sum(ledger_credit_base - zoho_credit_base) over (
            partition by organization_id, zoho_transaction_type, account_id, period_month
        ) as cell_credit_difference
    from grouped
),

final as (
    select
        organization_id || '-' || zoho_transaction_type || '-' || source_id || '-' || account_id || '-'
        || cast(period_month as varchar) as difference_key,
        organization_id,
        zoho_transaction_type,
        source_type,
        source_id,
        source_number,
        account_id,
        period_month,
        posting_date,
        {{ money('ledger_debit_base') }} as ledger_debit_base,
        {{ money('ledger_credit_base') }} as ledger_credit_base,
        {{ money('zoho_debit_base') }} as zoho_debit_base,
        {{ money('zoho_credit_base') }} as zoho_credit_base,
        {{ money('ledger_debit_base - ledger_credit_base - zoho_debit_base + zoho_credit_base') }}
            as net_difference_base,
        cast(derived_entry_count as bigint) as derived_entry_count,
        cast(zoho_entry_count as bigint) as zoho_entry_count
    from cells
    where
        (ledger_debit_base <> zoho_debit_base or ledger_credit_base <> zoho_credit_base)
        and (abs(cell_debit_difference) > 0.005 or abs(cell_credit_difference) > 0.005)
)

select * from final
