-- Income and expense per organization, account and month. amount_*: natural sign (income and expense both
-- positive); profit_*: the row's contribution to profit (income positive, expense negative). The month's fiscal
-- year and period follow the organization's fiscal year start.
with ledger as (
    select * from {{ org_ref('fct_general_ledger') }}
    where account_class in ('income', 'expense')
),

organizations as (
    select * from {{ org_ref('dim_organizations') }}
),

monthly as (
    select
        organization_id || '-' || account_id || '-'
        || cast(cast(date_trunc('month', posting_date) as date) as varchar) as pnl_key,
        organization_id,
        cast(date_trunc('month', posting_date) as date) as period_month,
        account_id,
        account_code,
        account_name,
        account_type,
        account_class,
        base_currency,
        {{ money('sum(case when account_class = \'income\' then -net_base else net_base end)') }} as amount_base,
        {{ money('sum(-net_base)') }} as profit_base,
        reporting_currency,
        {{ money(
            'sum(case when account_class = \'income\' then -net_reporting else net_reporting end)'
        ) }} as amount_reporting,
        {{ money('sum(-net_reporting)') }} as profit_reporting
    from ledger
    group by
        organization_id, cast(date_trunc('month', posting_date) as date), account_id, account_code,
        account_name, account_type, account_class, base_currency, reporting_currency
),

final as (
    select
        monthly.pnl_key,
        monthly.organization_id,
        monthly.period_month,
        {{ fiscal_year('monthly.period_month', 'organizations.fiscal_year_start_month') }} as fiscal_year,
        {{ fiscal_period('monthly.period_month', 'organizations.fiscal_year_start_month') }} as fiscal_period,
        monthly.account_id,
        monthly.account_code,
        monthly.account_name,
        monthly.account_type,
        monthly.account_class,
        monthly.base_currency,
        monthly.amount_base,
        monthly.profit_base,
        monthly.reporting_currency,
        monthly.amount_reporting,
        monthly.profit_reporting
    from monthly
    left join organizations on monthly.organization_id = organizations.organization_id
)

select * from final
