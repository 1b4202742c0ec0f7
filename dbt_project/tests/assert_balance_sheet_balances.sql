-- Assets = liabilities + equity (with retained earnings rolled from the P&L) at every month end, in base and in
-- reporting currency.
select
    organization_id, period_month, sum(net_balance_base) as imbalance_base,
    sum(net_balance_reporting) as imbalance_reporting
from {{ ref('rpt_balance_sheet') }}
group by organization_id, period_month
having sum(net_balance_base) <> 0 or sum(net_balance_reporting) <> 0
