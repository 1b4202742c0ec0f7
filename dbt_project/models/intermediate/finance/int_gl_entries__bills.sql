{{ gl_line_document(
    'stg_zoho_books__bills',
    'stg_zoho_books__bill_line_items',
    'stg_zoho_books__bill_taxes',
    'bill_id',
    'bill_number',
    'vendor_id',
    'bill',
    sales=false,
    negate=false
) }}
