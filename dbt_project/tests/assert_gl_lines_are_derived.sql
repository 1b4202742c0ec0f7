-- A warning, never a failure: the lines the general ledger takes from Zoho's own ledger because no posting
-- rule derives them (D60), per organization and Zoho transaction type. Not wrong, but not derived either.
{{ config(severity='warn') }}

select
    organization_id,
    zoho_transaction_type,
    count(*) as taken_lines,
    sum(debit_base) as taken_debit_base
from {{ ref('fct_general_ledger') }}
where line_source = 'zoho_ledger'
group by organization_id, zoho_transaction_type
