-- The accounts documents post to without naming them: AR and AP by account type, the others by Zoho's
-- default account names (docs/ledger-posting-rules.md). One row per organization and role.
with accounts as (
    select * from {{ ref('stg_zoho_books__chart_of_accounts') }}
    where not is_deleted
),

by_type as (
    select organization_id, account_type as role, min(account_id) as account_id
    from accounts
    where account_type in ('accounts_receivable', 'accounts_payable')
    group by organization_id, account_type
),

by_name as (
    select organization_id, account_name as role, min(account_id) as account_id
    from accounts
    where
        account_name in (
            'Shipping Charge', 'Other Charges', 'Discount', 'Freight Inward', 'Other Expenses',
            'Purchase Discounts', 'Bank Fees and Charges', 'Exchange Gain or Loss'
        )
    group by organization_id, account_name
),

final as (
    select * from by_type
    union all
    select * from by_name
)

select * from final
