-- Lines of itemized expenses (an expense without lines has none).
{%- if not raw_table_exists('expenses__line_items') %}
    select
        cast(null as varchar) as line_item_id, cast(null as varchar) as expense_id,
        cast(null as varchar) as organization_id, cast(null as varchar) as account_id,
        cast(null as integer) as line_index, cast(null as varchar) as description, cast(null as varchar) as cost_center,
        {{ money('null') }} as amount, {{ money('null') }} as bcy_amount
    where 1 = 0
{%- else %}
with source as (
    select * from {{ source('zoho_books_raw', 'expenses__line_items') }}
),

parent as (
    select _dlt_id, expense_id, _zoho_organization_id from {{ source('zoho_books_raw', 'expenses') }}
),

cost_centers as (
    {{ cost_center_by_parent('expenses__line_items__tags') }}
),

renamed as (
    select
        -- ids
        cast(source.line_item_id as varchar) as line_item_id,
        cast(parent.expense_id as varchar) as expense_id,
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(source.account_id as varchar) as account_id,
        cast(source._dlt_list_idx as integer) as line_index,
        cast(source.description as varchar) as description,
        cast(cost_centers.cost_center as varchar) as cost_center,
        -- amounts
        {{ money('source.amount') }} as amount,
        {{ money('source.bcy_amount') }} as bcy_amount
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
    left join cost_centers on cost_centers._dlt_parent_id = source._dlt_id
)

select * from renamed
{%- endif %}
