{{ gl_line_document(
    'stg_zoho_books__vendor_credits',
    'stg_zoho_books__vendor_credit_line_items',
    'stg_zoho_books__vendor_credit_taxes',
    'vendor_credit_id',
    'vendor_credit_number',
    'vendor_id',
    'vendor_credit',
    sales=false,
    negate=true
) }}
