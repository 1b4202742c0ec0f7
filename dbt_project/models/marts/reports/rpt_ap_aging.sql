{%- set settlements %}
    select applied.organization_id, applied.bill_id as document_id, payments.payment_date as settled_on,
        applied.amount_applied + applied.tax_amount_withheld as amount
    from {{ org_ref('stg_zoho_books__vendor_payments_applied', 'applied') }}
    inner join {{ org_ref('stg_zoho_books__vendor_payments', 'payments') }}
        on applied.organization_id = payments.organization_id and applied.payment_id = payments.payment_id
    where payments.is_posting and not payments.is_deleted
    union all
    select credits.organization_id, credits.bill_id, credits.applied_date, credits.amount_applied
    from {{ org_ref('stg_zoho_books__vendor_credit_bills', 'credits') }}
    inner join {{ org_ref('stg_zoho_books__vendor_credits', 'vendor_credits') }}
        on credits.organization_id = vendor_credits.organization_id
        and credits.vendor_credit_id = vendor_credits.vendor_credit_id
    where vendor_credits.is_posting and not vendor_credits.is_deleted
{%- endset %}
{{ aging_report('stg_zoho_books__bills', 'bill_id', 'bill_number', 'vendor_id', settlements) }}
