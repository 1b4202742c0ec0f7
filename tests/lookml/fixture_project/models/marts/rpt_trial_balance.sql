select
    organization_id,
    account_id,
    cast(date_trunc('month', posting_date) as date) as period_month,
    cast(sum(debit_base) as numeric(18, 2)) as debit_base,
    cast(sum(credit_base) as numeric(18, 2)) as credit_base,
    cast(sum(net_reporting) as numeric(18, 2)) as balance_reporting
from {{ ref('fct_general_ledger') }}
group by 1, 2, 3
