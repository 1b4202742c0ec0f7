{{ gl_payment(
    'stg_zoho_books__customer_payments',
    'stg_zoho_books__customer_payments_applied',
    'stg_zoho_books__invoices',
    'invoice_id',
    'customer_id',
    'customer_payment',
    customer=true
) }}
