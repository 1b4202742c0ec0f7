{{ stg_line_document('credit_notes', 'creditnote_id', 'creditnote_number', 'customer_id') }}
