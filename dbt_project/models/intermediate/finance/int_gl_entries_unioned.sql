-- One double-entry model per document type, all with the same columns, unioned.
{%- set models = [
    'int_gl_entries__invoices', 'int_gl_entries__credit_notes', 'int_gl_entries__customer_payments',
    'int_gl_entries__bills', 'int_gl_entries__vendor_credits', 'int_gl_entries__vendor_payments',
    'int_gl_entries__expenses', 'int_gl_entries__journals'
] %}
{% for model in models %}
    select * from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
{%- endfor %}
