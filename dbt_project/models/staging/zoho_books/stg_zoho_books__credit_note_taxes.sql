{{ stg_document_taxes('credit_notes__taxes', 'credit_notes', 'creditnote_id') }}
