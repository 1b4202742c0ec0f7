with source as (
    {{ raw_child('journals__line_items', {
        'line_id': 'text', 'account_id': 'text', 'customer_id': 'text', 'description': 'text',
        'debit_or_credit': 'text', 'amount': 'money', 'bcy_amount': 'money'
    }) }}
),

parent as (
    select _dlt_id, journal_id, _zoho_organization_id from {{ source('zoho_books_raw', 'journals') }}
),

cost_centers as (
    {{ cost_center_by_parent('journals__line_items__tags') }}
),

renamed as (
    select
        -- ids
        cast(source.line_id as varchar) as line_id,
        cast(parent.journal_id as varchar) as journal_id,
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(source.account_id as varchar) as account_id,
        cast(source.customer_id as varchar) as customer_id,
        cast(source._dlt_list_idx as integer) as line_index,
        cast(source.description as varchar) as description,
        cast(source.debit_or_credit as varchar) as debit_or_credit,
        cast(cost_centers.cost_center as varchar) as cost_center,
        -- amounts
        {{ money('source.amount') }} as amount,
        {{ money('source.bcy_amount') }} as bcy_amount
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
    left join cost_centers on cost_centers._dlt_parent_id = source._dlt_id
)

select * from renamed
