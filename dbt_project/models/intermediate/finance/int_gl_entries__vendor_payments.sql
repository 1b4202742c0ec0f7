{{ gl_payment(
    'stg_zoho_books__vendor_payments',
    'stg_zoho_books__vendor_payments_applied',
    'stg_zoho_books__bills',
    'bill_id',
    'vendor_id',
    'vendor_payment',
    customer=false
) }}
