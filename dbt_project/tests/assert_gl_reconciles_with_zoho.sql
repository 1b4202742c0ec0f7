-- The derived ledger must reproduce Zoho's account transactions per organization, account and month (tolerance 0.005).
select *
from {{ ref('rpt_gl_reconciliation') }}
where
    abs(debit_difference_base) > 0.005
    or abs(credit_difference_base) > 0.005
    or abs(net_difference_base) > 0.005
