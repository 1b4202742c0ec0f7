{{ stg_document_taxes('bills__taxes', 'bills', 'bill_id') }}
