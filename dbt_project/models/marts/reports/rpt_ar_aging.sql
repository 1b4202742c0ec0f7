{%- set settlements %}
    select applied.organization_id, applied.invoice_id as document_id, payments.payment_date as settled_on,
        applied.amount_applied as amount
    from {{ ref('stg_zoho_books__customer_payments_applied') }} as applied
    inner join {{ ref('stg_zoho_books__customer_payments') }} as payments
        on applied.organization_id = payments.organization_id and applied.payment_id = payments.payment_id
    where payments.is_posting and not payments.is_deleted
    union all
    select credits.organization_id, credits.invoice_id, credits.applied_date, credits.amount_applied
    from {{ ref('stg_zoho_books__credit_note_invoices') }} as credits
    inner join {{ ref('stg_zoho_books__credit_notes') }} as notes
        on credits.organization_id = notes.organization_id and credits.creditnote_id = notes.creditnote_id
    where notes.is_posting and not notes.is_deleted
{%- endset %}
{{ aging_report('stg_zoho_books__invoices', 'invoice_id', 'invoice_number', 'customer_id', settlements) }}
