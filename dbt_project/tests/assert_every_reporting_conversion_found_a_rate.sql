-- A missing reporting rate is a failing test, never a silent null or 1: every dated fact row needs one.
{%- set facts = [
    ('fct_general_ledger', 'gl_entry_id'), ('fct_invoices', 'invoice_key'), ('fct_invoice_lines', 'line_key'),
    ('fct_credit_notes', 'creditnote_key'), ('fct_bills', 'bill_key'), ('fct_bill_lines', 'line_key'),
    ('fct_purchase_orders', 'purchaseorder_key'), ('fct_customer_payments', 'payment_key'),
    ('fct_vendor_payments', 'payment_key'), ('fct_expenses', 'expense_key')
] %}
{% for model, key in facts %}
    select '{{ model }}' as model_name, {{ key }} as row_key from {{ ref(model) }} where reporting_rate is null
    {% if not loop.last %}union all{% endif %}
{%- endfor %}
