{{ stg_document_lines('credit_notes__line_items', 'credit_notes', 'creditnote_id') }}
