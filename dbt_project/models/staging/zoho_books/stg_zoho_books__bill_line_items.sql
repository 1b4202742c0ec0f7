{{ stg_document_lines('bills__line_items', 'bills', 'bill_id') }}
