with contacts as (
    select * from {{ org_ref('stg_zoho_books__contacts') }}
    where not is_deleted
),

final as (
    select
        contacts.organization_id || '-' || contacts.contact_id as contact_key,
        contacts.organization_id,
        contacts.contact_id,
        contacts.contact_name,
        contacts.company_name,
        contacts.contact_type,
        contacts.email,
        contacts.status,
        contacts.currency_code,
        contacts.payment_terms_days,
        contacts.outstanding_receivable_bcy as outstanding_receivable_base,
        contacts.outstanding_payable_bcy as outstanding_payable_base,
        contacts._synced_at,
        contacts._zoho_organization_id,
        contacts._zoho_source_id,
        contacts._load_id
    from contacts
)

select * from final
