-- Bills a vendor credit was applied to (vendor_credits__bills_credited, the applied amount in amount).
{{ stg_credit_applications(
    'vendor_credits',
    ['vendor_credits__bills_credited'],
    'vendor_credit_id',
    'bill_id',
    ['source.amount', 'source.amount_applied']
) }}
