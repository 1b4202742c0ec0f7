-- Per organization, account and month, from the account's first posting month to the ledger's last month:
-- opening, debits, credits and closing, base currency (balances debit-positive), and the reporting twin at
-- posting-date rates; the base currency beside the base amounts and the organization's fiscal year and period.
with ledger as (
    select * from {{ org_ref('fct_general_ledger') }}
),

accounts as (
    select * from {{ org_ref('dim_accounts') }}
),

organizations as (
    select * from {{ org_ref('dim_organizations') }}
),

monthly as (
    select
        organization_id,
        account_id,
        cast(date_trunc('month', posting_date) as date) as period_month,
        sum(debit_base) as debits_base,
        sum(credit_base) as credits_base,
        sum(net_reporting) as net_reporting
    from ledger
    group by organization_id, account_id, cast(date_trunc('month', posting_date) as date)
),

last_months as (
    select
        organization_id,
        max(period_month) as last_month
    from monthly
    group by organization_id
),

account_spans as (
    select
        monthly.organization_id,
        monthly.account_id,
        min(monthly.period_month) as first_month,
        max(last_months.last_month) as last_month
    from monthly
    inner join last_months on monthly.organization_id = last_months.organization_id
    group by monthly.organization_id, monthly.account_id
),

account_months as (
    select
        organization_id,
        account_id,
        {{ month_series('first_month', 'last_month', 'period_month') }}
    from account_spans
),

filled as (
    select
        account_months.organization_id,
        account_months.account_id,
        account_months.period_month,
        coalesce(monthly.debits_base, {{ money(0) }}) as debits_base,
        coalesce(monthly.credits_base, {{ money(0) }}) as credits_base,
        coalesce(monthly.net_reporting, {{ money(0) }}) as net_reporting
    from account_months
    left join monthly
        on
            account_months.organization_id = monthly.organization_id
            and account_months.account_id = monthly.account_id
            and account_months.period_month = monthly.period_month
),

running as (
    select
        filled.*,
        sum(filled.debits_base - filled.credits_base) over (
            partition by filled.organization_id, filled.account_id order by filled.period_month
            rows between unbounded preceding and current row
        ) as closing_base,
        sum(filled.net_reporting) over (
            partition by filled.organization_id, filled.account_id order by filled.period_month
            rows between unbounded preceding and current row
        ) as closing_reporting
    from filled
),

final as (
    select
        running.organization_id || '-' || running.account_id || '-'
        || cast(running.period_month as varchar) as trial_balance_key,
        running.organization_id,
        running.account_id,
        accounts.account_code,
        accounts.account_name,
        accounts.account_type,
        accounts.account_class,
        running.period_month,
        {{ fiscal_year('running.period_month', 'organizations.fiscal_year_start_month') }} as fiscal_year,
        {{ fiscal_period('running.period_month', 'organizations.fiscal_year_start_month') }} as fiscal_period,
        organizations.base_currency_code as base_currency,
        {{ money('running.closing_base - (running.debits_base - running.credits_base)') }} as opening_base,
        {{ money('running.debits_base') }} as debits_base,
        {{ money('running.credits_base') }} as credits_base,
        {{ money('running.closing_base') }} as closing_base,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        {{ money('running.net_reporting') }} as net_reporting,
        {{ money('running.closing_reporting') }} as closing_reporting
    from running
    left join accounts
        on running.organization_id = accounts.organization_id and running.account_id = accounts.account_id
    left join organizations on running.organization_id = organizations.organization_id
)

select * from final
