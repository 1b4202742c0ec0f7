{#- Vendor credits applied to bills are not yet in the raw agreement (vendor_credits__bills_credited): only
    vendor payments settle bills here. -#}
{%- set settlements %}
    select applied.organization_id, applied.bill_id as document_id, payments.payment_date as settled_on,
        applied.amount_applied as amount
    from {{ ref('stg_zoho_books__vendor_payments_applied') }} as applied
    inner join {{ ref('stg_zoho_books__vendor_payments') }} as payments
        on applied.organization_id = payments.organization_id and applied.payment_id = payments.payment_id
    where payments.is_posting and not payments.is_deleted
{%- endset %}
{{ aging_report('stg_zoho_books__bills', 'bill_id', 'bill_number', 'vendor_id', settlements) }}
