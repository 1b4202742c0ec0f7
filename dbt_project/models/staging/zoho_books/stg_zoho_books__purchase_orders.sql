{{ stg_line_document('purchase_orders', 'purchaseorder_id', 'purchaseorder_number', 'vendor_id') }}
