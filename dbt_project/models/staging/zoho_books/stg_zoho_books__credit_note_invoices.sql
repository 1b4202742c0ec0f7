-- Invoices a credit note was applied to: the documented invoices[] (amount) or, in recorded answers,
-- invoices_credited[] (credited_amount).
{{ stg_credit_applications(
    'credit_notes',
    ['credit_notes__invoices', 'credit_notes__invoices_credited'],
    'creditnote_id',
    'invoice_id',
    ['source.credited_amount', 'source.amount', 'source.amount_applied']
) }}
