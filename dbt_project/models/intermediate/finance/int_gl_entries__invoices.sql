{{ gl_line_document(
    'stg_zoho_books__invoices',
    'stg_zoho_books__invoice_line_items',
    'stg_zoho_books__invoice_taxes',
    'invoice_id',
    'invoice_number',
    'customer_id',
    'invoice',
    sales=true,
    negate=false
) }}
