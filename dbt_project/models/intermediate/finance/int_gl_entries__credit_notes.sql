{{ gl_line_document(
    'stg_zoho_books__credit_notes',
    'stg_zoho_books__credit_note_line_items',
    'stg_zoho_books__credit_note_taxes',
    'creditnote_id',
    'creditnote_number',
    'customer_id',
    'credit_note',
    sales=true,
    negate=true
) }}
