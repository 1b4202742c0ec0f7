-- One double-entry model per document type, all with the same columns, unioned: the lines derived from the
-- documents, each with the transaction type Zoho's own ledger files it under.
{%- set models = [
    'int_gl_entries__invoices', 'int_gl_entries__credit_notes', 'int_gl_entries__customer_payments',
    'int_gl_entries__bills', 'int_gl_entries__vendor_credits', 'int_gl_entries__vendor_payments',
    'int_gl_entries__expenses', 'int_gl_entries__journals'
] %}
with derived as (
    {%- for model in models %}
        select * from {{ ref(model) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        derived.*,
        cast('derived' as varchar) as line_source,
        cast(
            case derived.source_type
                when 'credit_note' then 'credit_notes'
                when 'bill' then 'bills'
                else derived.source_type
            end as varchar
        ) as zoho_transaction_type
    from derived
)

select * from final
