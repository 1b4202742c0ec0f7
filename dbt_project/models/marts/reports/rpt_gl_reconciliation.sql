-- The derived ledger against Zoho's own account transactions, per organization, account and month (base currency).
with derived as (
    select
        organization_id,
        account_id,
        cast(date_trunc('month', posting_date) as date) as period_month,
        sum(debit_base) as debit_base,
        sum(credit_base) as credit_base,
        count(*) as entry_count
    from {{ ref('fct_general_ledger') }}
    group by 1, 2, 3
),

zoho as (
    select
        organization_id,
        account_id,
        cast(date_trunc('month', transaction_date) as date) as period_month,
        sum(debit_amount) as debit_base,
        sum(credit_amount) as credit_base,
        count(*) as entry_count
    from {{ ref('stg_zoho_books__account_transactions') }}
    where not is_deleted
    group by 1, 2, 3
),

final as (
    select
        coalesce(derived.organization_id, zoho.organization_id) || '-'
        || coalesce(derived.account_id, zoho.account_id) || '-'
        || cast(coalesce(derived.period_month, zoho.period_month) as varchar) as reconciliation_key,
        coalesce(derived.organization_id, zoho.organization_id) as organization_id,
        coalesce(derived.account_id, zoho.account_id) as account_id,
        coalesce(derived.period_month, zoho.period_month) as period_month,
        coalesce(derived.debit_base, 0) as derived_debit_base,
        coalesce(derived.credit_base, 0) as derived_credit_base,
        coalesce(zoho.debit_base, 0) as zoho_debit_base,
        coalesce(zoho.credit_base, 0) as zoho_credit_base,
        coalesce(derived.entry_count, 0) as derived_entry_count,
        coalesce(zoho.entry_count, 0) as zoho_entry_count,
        {{ money(
            '(coalesce(derived.debit_base, 0) - coalesce(derived.credit_base, 0))'
            ~ ' - (coalesce(zoho.debit_base, 0) - coalesce(zoho.credit_base, 0))'
        ) }} as net_difference_base,
        {{ money('coalesce(derived.debit_base, 0) - coalesce(zoho.debit_base, 0)') }} as debit_difference_base,
        {{ money('coalesce(derived.credit_base, 0) - coalesce(zoho.credit_base, 0)') }} as credit_difference_base
    from derived
    full outer join zoho
        on
            derived.organization_id = zoho.organization_id
            and derived.account_id = zoho.account_id
            and derived.period_month = zoho.period_month
)

select * from final
