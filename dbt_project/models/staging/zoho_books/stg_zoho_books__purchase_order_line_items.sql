{{ stg_document_lines('purchase_orders__line_items', 'purchase_orders', 'purchaseorder_id') }}
