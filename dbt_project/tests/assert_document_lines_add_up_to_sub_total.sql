-- Line base amounts are the ledger's cumulative-rounding pieces: they add up to Zoho's bcy_sub_total exactly.
select invoices.invoice_key as document_key, invoices.sub_total_base, sum(lines.item_total_base) as lines_base
from {{ ref('fct_invoices') }} as invoices
inner join {{ ref('fct_invoice_lines') }} as lines
    on invoices.organization_id = lines.organization_id and invoices.invoice_id = lines.invoice_id
group by invoices.invoice_key, invoices.sub_total_base
having sum(lines.item_total_base) <> invoices.sub_total_base
union all
select bills.bill_key, bills.sub_total_base, sum(lines.item_total_base)
from {{ ref('fct_bills') }} as bills
inner join {{ ref('fct_bill_lines') }} as lines
    on bills.organization_id = lines.organization_id and bills.bill_id = lines.bill_id
group by bills.bill_key, bills.sub_total_base
having sum(lines.item_total_base) <> bills.sub_total_base
