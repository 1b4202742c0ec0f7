{{ fct_line_document(
    'stg_zoho_books__purchase_orders',
    'purchaseorder_id',
    'purchaseorder_number',
    'vendor_id',
    'purchase_order_date'
) }}
