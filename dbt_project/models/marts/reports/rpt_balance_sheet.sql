-- Balance sheet per organization at each month end: asset, liability and equity balances from the trial balance,
-- plus retained earnings rolled from the P&L (all income and expense to date), so each month balances:
-- sum(net_balance_base) = 0. Reporting amounts translate every line at the month-end rate; the rounding that
-- leaves goes to a translation line in equity, so the reporting side balances too.
with trial_balance as (
    select * from {{ org_ref('rpt_trial_balance') }}
),

organizations as (
    select * from {{ org_ref('dim_organizations') }}
),

reporting_rates as (
    select * from {{ org_ref('int_reporting_rates_daily') }}
),

balance_lines as (
    select
        organization_id,
        period_month,
        'account' as line_type,
        account_id,
        account_code,
        account_name,
        account_class,
        closing_base as net_balance_base
    from trial_balance
    -- an account of a type not documented yet (unclassified, D50) stays visible here, debit-positive, so
    -- the sheet still balances while its warning says it needs a class
    where account_class in ('asset', 'liability', 'equity', 'unclassified')
    union all
    select
        organization_id,
        period_month,
        'retained_earnings',
        cast(null as varchar),
        cast(null as varchar),
        'Retained earnings (rolled from profit and loss)',
        'equity',
        sum(closing_base)
    from trial_balance
    where account_class in ('income', 'expense')
    group by organization_id, period_month
),

translated as (
    select
        balance_lines.*,
        cast(balance_lines.period_month + interval '1 month' - interval '1 day' as date) as balance_date,
        {{ to_reporting('balance_lines.net_balance_base') }} as net_balance_reporting
    from balance_lines
    left join reporting_rates
        on
            balance_lines.organization_id = reporting_rates.organization_id
            and least(cast(balance_lines.period_month + interval '1 month' - interval '1 day' as date), current_date)
            = reporting_rates.rate_date
),

with_translation as (
    select
        organization_id, period_month, balance_date, line_type, account_id, account_code, account_name,
        account_class, net_balance_base, net_balance_reporting
    from translated
    union all
    select
        organization_id, period_month, balance_date, 'translation_rounding', cast(null as varchar),
        cast(null as varchar), 'Translation rounding (reporting currency)', 'equity', {{ money(0) }},
        -sum(net_balance_reporting)
    from translated
    group by organization_id, period_month, balance_date
),

final as (
    select
        with_translation.organization_id || '-' || cast(with_translation.period_month as varchar) || '-'
        || with_translation.line_type || '-' || coalesce(with_translation.account_id, '') as balance_sheet_key,
        with_translation.organization_id,
        with_translation.period_month,
        with_translation.balance_date,
        {{ fiscal_year('with_translation.period_month', 'organizations.fiscal_year_start_month') }} as fiscal_year,
        {{ fiscal_period('with_translation.period_month', 'organizations.fiscal_year_start_month') }} as fiscal_period,
        with_translation.line_type,
        with_translation.account_id,
        with_translation.account_code,
        with_translation.account_name,
        with_translation.account_class,
        organizations.base_currency_code as base_currency,
        {{ money('with_translation.net_balance_base') }} as net_balance_base,
        {{ money(
            'case when with_translation.account_class in (\'asset\', \'unclassified\') then with_translation.net_balance_base'
            ~ ' else -with_translation.net_balance_base end'
        ) }} as balance_base,
        cast('{{ var("reporting_currency") }}' as varchar) as reporting_currency,
        {{ money('with_translation.net_balance_reporting') }} as net_balance_reporting,
        {{ money(
            'case when with_translation.account_class in (\'asset\', \'unclassified\') then with_translation.net_balance_reporting'
            ~ ' else -with_translation.net_balance_reporting end'
        ) }} as balance_reporting
    from with_translation
    left join organizations on with_translation.organization_id = organizations.organization_id
)

select * from final
