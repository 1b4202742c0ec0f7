-- One double-entry model per document type, all with the same columns, unioned: the lines derived from the
-- documents, each with the transaction type Zoho's own ledger files it under.
{%- set models = [
    'int_gl_entries__invoices', 'int_gl_entries__credit_notes', 'int_gl_entries__customer_payments',
    'int_gl_entries__bills', 'int_gl_entries__vendor_credits', 'int_gl_entries__vendor_payments',
    'int_gl_entries__expenses', 'int_gl_entries__journals', 'int_gl_entries__bank_transactions',
    'int_gl_entries__opening_balances', 'int_gl_entries__base_currency_adjustments',
    'int_gl_entries__credit_note_refunds', 'int_gl_entries__vendor_credit_refunds',
    'int_gl_entries__customer_payment_refunds', 'int_gl_entries__vendor_payment_refunds'
] %}
with derived as (
    {%- for model in models %}
        select * from {{ org_ref(model) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

-- A document with a line whose account could not be resolved (Zoho sent no bank account, a default account
-- its ledger never showed) is left whole to Zoho's own ledger (int_gl_entries__zoho_ledger, D60): a
-- derived ledger never carries a line without an account, and never half a document.
unresolved as (
    select distinct organization_id, source_type, source_id
    from derived
    where account_id is null
),

-- A document stored from its list row only (its detail not fetched in the sync's detail mode, D90) is not
-- derived from that incomplete record: it is left whole to Zoho's own ledger too.
without_detail as (
    select organization_id, source_id
    from {{ org_ref('int_documents_without_detail') }}
),

final as (
    select
        derived.*,
        cast('derived' as varchar) as line_source,
        cast(
            case derived.source_type
                when 'credit_note' then 'credit_notes'
                when 'bill' then 'bills'
                -- refunds of payments: "refund" among the types Zoho documents (D135)
                when 'customer_payment_refund' then 'refund'
                when 'vendor_payment_refund' then 'refund'
                else derived.source_type
            end as varchar
        ) as zoho_transaction_type
    from derived
    where
        not exists (
            select 1 from unresolved
            where
                unresolved.organization_id = derived.organization_id
                and unresolved.source_type = derived.source_type
                and unresolved.source_id = derived.source_id
        )
        and not exists (
            select 1 from without_detail
            where
                without_detail.organization_id = derived.organization_id
                and without_detail.source_id = derived.source_id
        )
)

select * from final
