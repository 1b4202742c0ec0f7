-- Each month's debits equal its credits, and closing balances sum to zero, per organization.
select
    organization_id, period_month, sum(debits_base) - sum(credits_base) as period_imbalance_base,
    sum(closing_base) as closing_imbalance_base
from {{ ref('rpt_trial_balance') }}
group by organization_id, period_month
having sum(debits_base) <> sum(credits_base) or sum(closing_base) <> 0
