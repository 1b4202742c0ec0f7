with source as (
    select * from {{ source('zoho_books_raw', 'contacts') }}
),

renamed as (
    select
        -- ids
        cast(source.contact_id as varchar) as contact_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        -- descriptive
        cast(source.contact_name as varchar) as contact_name,
        cast(source.company_name as varchar) as company_name,
        cast(source.contact_type as varchar) as contact_type,
        cast(source.email as varchar) as email,
        cast(source.status as varchar) as status,
        cast(source.currency_code as varchar) as currency_code,
        cast(source.payment_terms as integer) as payment_terms_days,
        -- amounts, base currency
        {{ money('source.outstanding_receivable_amount_bcy') }} as outstanding_receivable_bcy,
        {{ money('source.outstanding_payable_amount_bcy') }} as outstanding_payable_bcy,
        -- audit
        {{ audit_columns() }}
    from source
)

select * from renamed
