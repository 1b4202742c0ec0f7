-- Invoices a credit note was applied to (credit_notes__invoices_credited).
{{ stg_credit_applications('credit_notes', 'credit_notes__invoices_credited', 'creditnote_id', 'invoice_id') }}
