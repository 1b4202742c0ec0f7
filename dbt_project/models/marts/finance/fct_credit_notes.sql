{{ fct_line_document(
    'stg_zoho_books__credit_notes',
    'creditnote_id',
    'creditnote_number',
    'customer_id',
    'credit_note_date'
) }}
