with source as (
    select * from {{ source('zoho_books_raw', 'expenses') }}
),

cost_centers as (
    {{ cost_center_by_parent('expenses__tags') }}
),

renamed as (
    select
        -- ids
        cast(source.expense_id as varchar) as expense_id,
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.reference_number as varchar) as reference_number,
        cast(source.account_id as varchar) as account_id,
        cast(source.paid_through_account_id as varchar) as paid_through_account_id,
        cast(source.tax_id as varchar) as tax_id,
        -- Zoho sends '' for an expense without a vendor or customer: null, so joins and tests see "none".
        cast(nullif(cast(source.vendor_id as varchar), '') as varchar) as vendor_id,
        cast(nullif(cast(source.customer_id as varchar), '') as varchar) as customer_id,
        cast(source.status as varchar) as status,
        {{ is_posting_status('source.status') }} as is_posting,
        cast(source.description as varchar) as description,
        cast(cost_centers.cost_center as varchar) as cost_center,
        -- dates
        cast(source.date as date) as expense_date,
        -- currency
        cast(source.currency_code as varchar) as currency_code,
        {{ fx_rate('source.exchange_rate') }} as exchange_rate,
        -- amounts, expense currency
        {{ money('source.sub_total') }} as sub_total,
        {{ money('source.tax_amount') }} as tax_amount,
        {{ money('source.total') }} as total,
        -- amounts, base currency
        {{ money('source.bcy_sub_total') }} as bcy_sub_total,
        {{ money('source.bcy_tax_amount') }} as bcy_tax_amount,
        {{ money('source.bcy_total') }} as bcy_total,
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from source
    left join cost_centers on cost_centers._dlt_parent_id = source._dlt_id
)

select * from renamed
