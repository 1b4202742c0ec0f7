-- The general ledger against Zoho's own ledger per organization, Zoho transaction type, account and month (base
-- currency): what the rules derived, what was taken from Zoho's ledger because no rule derives it (D60), what
-- Zoho booked, the difference and the share derived (D64). A difference is a warning unless the dbt var
-- strict_reconciliation is true (assert_gl_reconciles_with_zoho); rpt_gl_reconciliation_differences lists the
-- transactions behind it.
with lines as (
    select * from {{ org_ref('int_gl_reconciliation_lines') }}
),

grouped as (
    select
        organization_id,
        zoho_transaction_type,
        account_id,
        period_month,
        sum(case when line_origin = 'derived' then debit_base else 0 end) as derived_debit_base,
        sum(case when line_origin = 'derived' then credit_base else 0 end) as derived_credit_base,
        sum(case when line_origin = 'taken' then debit_base else 0 end) as taken_debit_base,
        sum(case when line_origin = 'taken' then credit_base else 0 end) as taken_credit_base,
        sum(case when line_origin = 'zoho' then debit_base else 0 end) as zoho_debit_base,
        sum(case when line_origin = 'zoho' then credit_base else 0 end) as zoho_credit_base,
        sum(case when line_origin = 'derived' then 1 else 0 end) as derived_entry_count,
        sum(case when line_origin = 'taken' then 1 else 0 end) as taken_entry_count,
        sum(case when line_origin = 'zoho' then 1 else 0 end) as zoho_entry_count
    from lines
    group by organization_id, zoho_transaction_type, account_id, period_month
),

compared as (
    select
        grouped.*,
        {{ money('derived_debit_base + taken_debit_base') }} as ledger_debit_base,
        {{ money('derived_credit_base + taken_credit_base') }} as ledger_credit_base,
        {{ money('derived_debit_base + taken_debit_base - zoho_debit_base') }} as debit_difference_base,
        {{ money('derived_credit_base + taken_credit_base - zoho_credit_base') }} as credit_difference_base,
        {{ money(
            '(derived_debit_base + taken_debit_base - derived_credit_base - taken_credit_base)'
            ~ ' - (zoho_debit_base - zoho_credit_base)'
        ) }} as net_difference_base
    from grouped
),

final as (
    select
        organization_id || '-' || zoho_transaction_type || '-' || account_id || '-'
        || cast(period_month as varchar) as reconciliation_key,
        organization_id,
        zoho_transaction_type,
        account_id,
        period_month,
        {{ money('derived_debit_base') }} as derived_debit_base,
        {{ money('derived_credit_base') }} as derived_credit_base,
        {{ money('taken_debit_base') }} as taken_debit_base,
        {{ money('taken_credit_base') }} as taken_credit_base,
        ledger_debit_base,
        ledger_credit_base,
        {{ money('zoho_debit_base') }} as zoho_debit_base,
        {{ money('zoho_credit_base') }} as zoho_credit_base,
        cast(derived_entry_count as bigint) as derived_entry_count,
        cast(taken_entry_count as bigint) as taken_entry_count,
        cast(zoho_entry_count as bigint) as zoho_entry_count,
        debit_difference_base,
        credit_difference_base,
        net_difference_base,
        -- The share of the ledger's amounts (debits + credits) the rules derived rather than took from Zoho's
        -- ledger: 1 when every line of the type is derived, 0 when none is (D64).
        cast(
            case
                when ledger_debit_base + ledger_credit_base <> 0
                    then round(
                        (derived_debit_base + derived_credit_base) / (ledger_debit_base + ledger_credit_base), 4
                    )
            end as decimal(9, 4)
        ) as share_derived,
        abs(debit_difference_base) <= 0.005
        and abs(credit_difference_base) <= 0.005
        and abs(net_difference_base) <= 0.005 as is_reconciled
    from compared
)

select * from final
