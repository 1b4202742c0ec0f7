-- The account each tax posts to, for sales and for purchases (D49): the tax record's own accounts where
-- Zoho sends them (settings/taxes documents them for the Mexico edition), else the accounts Zoho's ledger
-- shows the tax on (int_account_roles_from_ledger).
with taxes as (
    select * from {{ org_ref('stg_zoho_books__taxes') }}
    where not is_deleted
),

learned as (
    select * from {{ org_ref('int_account_roles_from_ledger') }}
),

used_taxes as (
    select organization_id, tax_id from taxes
    union
    select organization_id, substr(role, length('sales_tax:') + 1) from learned where role like 'sales_tax:%'
    union
    select organization_id, substr(role, length('purchase_tax:') + 1) from learned where role like 'purchase_tax:%'
),

final as (
    select
        used_taxes.organization_id,
        used_taxes.tax_id,
        coalesce(nullif(taxes.tax_account_id, ''), sales.account_id) as tax_account_id,
        coalesce(nullif(taxes.purchase_tax_account_id, ''), purchases.account_id) as purchase_tax_account_id
    from used_taxes
    left join taxes
        on used_taxes.organization_id = taxes.organization_id and used_taxes.tax_id = taxes.tax_id
    left join learned as sales
        on
            used_taxes.organization_id = sales.organization_id
            and sales.role = 'sales_tax:' || used_taxes.tax_id
    left join learned as purchases
        on
            used_taxes.organization_id = purchases.organization_id
            and purchases.role = 'purchase_tax:' || used_taxes.tax_id
)

select * from final
