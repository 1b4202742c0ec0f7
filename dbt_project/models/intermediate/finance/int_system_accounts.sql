-- The accounts documents post to without naming them, one row per organization and role (D49):
-- receivable and payable by account type; the others (shipping_charge, sales_adjustment, sales_discount,
-- purchase_shipping, purchase_adjustment, purchase_discount, bank_charges, exchange_gain_loss) as Zoho's
-- own ledger shows them, else, for a role no document has used yet, Zoho's English default name.
with accounts as (
    select * from {{ org_ref('stg_zoho_books__chart_of_accounts') }}
    where not is_deleted
),

by_type as (
    select organization_id, account_type as role, min(account_id) as account_id, 1 as preference
    from accounts
    where account_type in ('accounts_receivable', 'accounts_payable')
    group by organization_id, account_type
),

learned as (
    select organization_id, role, account_id, 2 as preference
    from {{ org_ref('int_account_roles_from_ledger') }}
    where role not like '%tax:%'
),

-- The last resort: an organization whose ledger has not shown a role yet, in an English-language chart.
default_names as (
    select names.account_name, names.role
    from (
        values
        ('Shipping Charge', 'shipping_charge'),
        ('Other Charges', 'sales_adjustment'),
        ('Discount', 'sales_discount'),
        ('Freight Inward', 'purchase_shipping'),
        ('Other Expenses', 'purchase_adjustment'),
        ('Purchase Discounts', 'purchase_discount'),
        ('Bank Fees and Charges', 'bank_charges'),
        ('Exchange Gain or Loss', 'exchange_gain_loss')
    ) as names (account_name, role)
),

by_name as (
    select accounts.organization_id, default_names.role, min(accounts.account_id) as account_id, 3 as preference
    from accounts
    inner join default_names on accounts.account_name = default_names.account_name
    group by accounts.organization_id, default_names.role
),

ranked as (
    select
        candidates.*,
        row_number() over (
            partition by candidates.organization_id, candidates.role order by candidates.preference
        ) as rank_in_role
    from (
        select * from by_type
        union all
        select * from learned
        union all
        select * from by_name
    ) as candidates
),

final as (
    select organization_id, role, account_id
    from ranked
    where rank_in_role = 1
)

select * from final
