-- Invariant of the contract: for every organization and every day, sum(net_base) = 0 exactly.
select organization_id, posting_date, sum(net_base) as imbalance_base
from {{ ref('fct_general_ledger') }}
group by organization_id, posting_date
having sum(net_base) <> 0
