-- Structural, always an error whatever strict_reconciliation says (D65): every document a rule posts balances in
-- base currency, its debits equal to its credits. Lines taken from Zoho's ledger are Zoho's own (a line without
-- transaction_id stands alone there); the per-day invariant covers them.
select organization_id, source_type, source_id, sum(debit_base) as debits_base, sum(credit_base) as credits_base
from {{ ref('fct_general_ledger') }}
where line_source = 'derived'
group by organization_id, source_type, source_id
having sum(debit_base) <> sum(credit_base)
