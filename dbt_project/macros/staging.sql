{#- Staging helpers: the raw schema's quirks are absorbed here and nowhere else. -#}

{#- The audit trail every parent row carries, under the names the marts use. -#}
{% macro audit_columns(alias='source') -%}
        {{ alias }}._synced_at,
        {{ alias }}._zoho_organization_id,
        {{ alias }}._zoho_source_id,
        {{ alias }}._dlt_load_id as _load_id,
        coalesce({{ alias }}._is_deleted, false) as is_deleted,
        {{ alias }}._deleted_at as deleted_at
{%- endmacro %}

{#- Does a raw table exist? dlt creates a child table only once a row needs it (no tags yet, no table). -#}
{% macro raw_table_exists(table) -%}
    {%- if not execute -%}{{ return(true) }}{%- endif -%}
    {%- set relation = adapter.get_relation(database=target.database, schema=var('raw_schema'), identifier=table) -%}
    {{ return(relation is not none) }}
{%- endmacro %}

{#- Cost center per parent row (_dlt_id) from a tags child table: the option of the configured tag. -#}
{% macro cost_center_by_parent(tags_table) -%}
    {%- if raw_table_exists(tags_table) -%}
    select _dlt_parent_id, max(tag_option_name) as cost_center
    from {{ source('zoho_books_raw', tags_table) }}
    where tag_name = '{{ var("cost_center_tag") }}'
    group by _dlt_parent_id
    {%- else -%}
    select cast(null as varchar) as _dlt_parent_id, cast(null as varchar) as cost_center where 1 = 0
    {%- endif -%}
{%- endmacro %}

{#- Does a document in this status post to the ledger? Drafts, voids, cancelled purchase orders and documents
    still in Zoho's approval flow (submitted for approval, or approved but not yet sent/open) do not (D46). -#}
{% macro is_posting_status(status) -%}
    coalesce({{ status }}, '') not in ('draft', 'void', 'cancelled', 'pending_approval', 'approved')
{%- endmacro %}

{#- A base-currency amount: Zoho's own where it sent one, else the amount at the document's rate. -#}
{% macro base_or_derived(base_column, amount_column, rate_column='source.exchange_rate') -%}
    coalesce({{ money(base_column) }}, {{ to_base('coalesce(' ~ amount_column ~ ', 0)', 'coalesce(' ~ rate_column ~ ', 1)') }})
{%- endmacro %}

{#- Header of an invoice, credit note, bill, vendor credit or purchase order. -#}
{% macro stg_line_document(table, id_column, number_column, contact_column) -%}
{%- set lines_table = table ~ '__line_items' -%}
{%- set taxes_table = table ~ '__taxes' -%}
with source as (
    select * from {{ source('zoho_books_raw', table) }}
),

-- Zoho's documents leave sub_total or tax_total out of some records (a credit note documents neither, a
-- vendor credit no tax_total): the lines and taxes[] they add up from (D47).
line_sums as (
    {%- if raw_table_exists(lines_table) %}
    select _dlt_parent_id, sum(item_total) as sub_total
    from {{ source('zoho_books_raw', lines_table) }}
    group by _dlt_parent_id
    {%- else %}
    select cast(null as varchar) as _dlt_parent_id, {{ money('null') }} as sub_total where 1 = 0
    {%- endif %}
),

tax_sums as (
    {%- if raw_table_exists(taxes_table) %}
    select _dlt_parent_id, sum(tax_amount) as tax_total
    from {{ source('zoho_books_raw', taxes_table) }}
    group by _dlt_parent_id
    {%- else %}
    select cast(null as varchar) as _dlt_parent_id, {{ money('null') }} as tax_total where 1 = 0
    {%- endif %}
),

amounts as (
    select
        source.*,
        coalesce(source.sub_total, line_sums.sub_total, 0) as resolved_sub_total,
        coalesce(source.tax_total, tax_sums.tax_total, 0) as resolved_tax_total,
        coalesce(source.shipping_charge, 0) as resolved_shipping_charge,
        coalesce(source.adjustment, 0) as resolved_adjustment,
        -- the document-level discount: the documents give no discount_total (discount may be a percentage),
        -- so it is what the documented arithmetic leaves, 0 when discounts are per line (in item_total); on a
        -- tax-inclusive document the sub_total already holds the tax (D100)
        coalesce(
            source.discount_total,
            coalesce(source.sub_total, line_sums.sub_total, 0)
            + case
                when coalesce(source.is_inclusive_tax, false) then 0
                else coalesce(source.tax_total, tax_sums.tax_total, 0)
            end
            + coalesce(source.shipping_charge, 0) + coalesce(source.adjustment, 0)
            + coalesce(source.roundoff_value, 0)
            {%- if table == 'bills' %} - coalesce(source.tds_total, 0){% endif %} - source.total
        ) as resolved_discount_total
    from source
    left join line_sums on source._dlt_id = line_sums._dlt_parent_id
    left join tax_sums on source._dlt_id = tax_sums._dlt_parent_id
),

renamed as (
    select
        -- ids
        cast(source.{{ id_column }} as varchar) as {{ id_column }},
        cast(source._zoho_organization_id as varchar) as organization_id,
        cast(source.{{ number_column }} as varchar) as {{ number_column }},
        cast(source.{{ contact_column }} as varchar) as {{ contact_column }},
        cast(source.reference_number as varchar) as reference_number,
        cast(source.status as varchar) as status,
        {{ is_posting_status('source.status') }} as is_posting,
        -- the discount account a document names (Zoho's discount_account_id), else the organization's
        cast(nullif(source.discount_account_id, '') as varchar) as discount_account_id,
        -- the lines' rates and item_total hold their tax (D100)
        coalesce(cast(source.is_inclusive_tax as boolean), false) as is_inclusive_tax,
        -- dates
        cast(source.date as date) as document_date,
        {% if table != 'credit_notes' %}cast(source.{{ 'delivery_date' if table == 'purchase_orders' else 'due_date' }} as date){% else %}cast(null as date){% endif %} as due_date,
        -- currency
        cast(source.currency_code as varchar) as currency_code,
        {{ fx_rate('source.exchange_rate') }} as exchange_rate,
        -- amounts, document currency
        {{ money('source.resolved_sub_total') }} as sub_total,
        {{ money('source.resolved_tax_total') }} as tax_total,
        {{ money('source.resolved_shipping_charge') }} as shipping_charge,
        {{ money('source.resolved_adjustment') }} as adjustment,
        {{ money('source.resolved_discount_total') }} as discount_total,
        {{ money('source.total') }} as total,
        {{ money('source.balance') }} as balance,
        -- Zoho's rounding of the total (recorded answers, Indian organizations), posted as its own line (D79)
        {{ money('coalesce(source.roundoff_value, 0)') }} as roundoff_value,
        -- an invoice written off: the amount (D78); other documents have none
        {% if table == 'invoices' %}{{ money('coalesce(source.write_off_amount, 0)') }}{% else %}{{ money(0) }}{% endif %} as write_off_amount,
        -- tax withheld at source on a bill (India's TDS, the list row's tds_total): owed to the state, not the
        -- vendor (D102); other documents have none
        {% if table == 'bills' %}{{ money('coalesce(source.tds_total, 0)') }}{% else %}{{ money(0) }}{% endif %} as tds_total,
        cast(source.last_modified_time as date) as last_modified_date,
        -- amounts, base currency: Zoho's bcy_* members where it sends them, else each amount at the
        -- document's rate, rounded half up to cents (D45; bills never carry them)
        {{ base_or_derived('source.bcy_sub_total', 'source.resolved_sub_total') }} as bcy_sub_total,
        {{ base_or_derived('source.bcy_tax_total', 'source.resolved_tax_total') }} as bcy_tax_total,
        {{ base_or_derived('source.bcy_shipping_charge', 'source.resolved_shipping_charge') }} as bcy_shipping_charge,
        {{ base_or_derived('source.bcy_adjustment', 'source.resolved_adjustment') }} as bcy_adjustment,
        {{ base_or_derived('source.bcy_discount_total', 'source.resolved_discount_total') }} as bcy_discount_total,
        {{ base_or_derived('source.bcy_total', 'source.total') }} as bcy_total,
        -- dlt
        source._dlt_id,
        -- audit
        {{ audit_columns() }}
    from amounts as source
)

select * from renamed
{%- endmacro %}

{#- Lines of a line document, with their parent's id and the cost center from the line's tags.
    amount_excluding_tax is what the line's account is posted: item_total, less the line's own taxes
    (line_item_taxes[]) where the document's prices include tax (is_inclusive_tax, D100); a line Zoho sent
    without them takes its tax_percentage out of the price. -#}
{% macro stg_document_lines(table, parent_table, parent_id_column) -%}
{%- set line_taxes_table = table ~ '__line_item_taxes' -%}
with source as (
    {{ raw_child(table, {
        'line_item_id': 'text', 'item_id': 'text', 'account_id': 'text', 'tax_id': 'text', 'name': 'text',
        'description': 'text', 'quantity': 'money', 'rate': 'money', 'discount': 'money',
        'tax_percentage': 'money', 'item_total': 'money'
    }) }}
),

parent as (
    select
        _dlt_id,
        {{ parent_id_column }},
        _zoho_organization_id,
        coalesce(cast(is_inclusive_tax as boolean), false) as is_inclusive_tax
    from {{ source('zoho_books_raw', parent_table) }}
),

cost_centers as (
    {{ cost_center_by_parent(table ~ '__tags') }}
),

line_taxes as (
    {%- if raw_table_exists(line_taxes_table) %}
    select _dlt_parent_id, sum(tax_amount) as tax_amount
    from {{ source('zoho_books_raw', line_taxes_table) }}
    group by _dlt_parent_id
    {%- else %}
    select cast(null as varchar) as _dlt_parent_id, {{ money('null') }} as tax_amount where 1 = 0
    {%- endif %}
),

renamed as (
    select
        -- ids
        cast(source.line_item_id as varchar) as line_item_id,
        cast(parent.{{ parent_id_column }} as varchar) as {{ parent_id_column }},
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(source.item_id as varchar) as item_id,
        cast(source.account_id as varchar) as account_id,
        cast(source.tax_id as varchar) as tax_id,
        cast(source._dlt_list_idx as integer) as line_index,
        -- descriptive
        cast(source.name as varchar) as item_name,
        cast(source.description as varchar) as description,
        cast(cost_centers.cost_center as varchar) as cost_center,
        -- amounts, document currency
        cast(source.quantity as decimal(18, 4)) as quantity,
        {{ money('source.rate') }} as rate,
        cast(source.discount as decimal(9, 4)) as discount_percent,
        cast(source.tax_percentage as decimal(9, 4)) as tax_percentage,
        {{ money('source.item_total') }} as item_total,
        {{ money(
            'case when not parent.is_inclusive_tax then source.item_total'
            ~ ' when line_taxes.tax_amount is not null then source.item_total - line_taxes.tax_amount'
            ~ ' else round(source.item_total * 100 / (100 + coalesce(source.tax_percentage, 0)), 2) end'
        ) }} as amount_excluding_tax,
        -- dlt
        source._dlt_id,
        source._dlt_parent_id
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
    left join cost_centers on cost_centers._dlt_parent_id = source._dlt_id
    left join line_taxes on line_taxes._dlt_parent_id = source._dlt_id
)

select * from renamed
{%- endmacro %}

{#- The taxes[] of a line document, in array order. Zoho's rows hold tax_name and tax_amount only (D47): the
    tax id comes from the document's own lines, by name: a line's line_item_taxes[] first (a tax group's
    components), then the line's tax_id/tax_name, then the organization's tax of that name. -#}
{% macro stg_document_taxes(table, parent_table, parent_id_column) -%}
{%- set lines_table = parent_table ~ '__line_items' -%}
{%- set line_taxes_table = parent_table ~ '__line_items__line_item_taxes' -%}
{%- if not raw_table_exists(table) -%}
select cast(null as varchar) as {{ parent_id_column }}, cast(null as varchar) as organization_id,
    cast(null as varchar) as tax_id, cast(null as integer) as tax_index, cast(null as varchar) as tax_name,
    {{ money('null') }} as tax_amount
where 1 = 0
{%- else -%}
with source as (
    select * from {{ source('zoho_books_raw', table) }}
),

parent as (
    select _dlt_id, {{ parent_id_column }}, _zoho_organization_id from {{ source('zoho_books_raw', parent_table) }}
),

lines as (
    select _dlt_id, _dlt_parent_id, tax_id, tax_name from {{ source('zoho_books_raw', lines_table) }}
),

named_by_lines as (
    {%- if raw_table_exists(line_taxes_table) %}
    select
        lines._dlt_parent_id as document_dlt_id,
        line_taxes.tax_name,
        min(line_taxes.tax_id) as tax_id,
        1 as priority
    from {{ source('zoho_books_raw', line_taxes_table) }} as line_taxes
    inner join lines on line_taxes._dlt_parent_id = lines._dlt_id
    where coalesce(line_taxes.tax_id, '') <> ''
    group by lines._dlt_parent_id, line_taxes.tax_name
    union all
    {%- endif %}
    select
        lines._dlt_parent_id as document_dlt_id,
        lines.tax_name,
        min(lines.tax_id) as tax_id,
        2 as priority
    from lines
    where coalesce(lines.tax_id, '') <> ''
    group by lines._dlt_parent_id, lines.tax_name
),

document_tax_ids as (
    select document_dlt_id, tax_name, tax_id
    from (
        select
            named_by_lines.*,
            row_number() over (
                partition by named_by_lines.document_dlt_id, named_by_lines.tax_name
                order by named_by_lines.priority
            ) as preference
        from named_by_lines
    ) as ranked
    where preference = 1
),

organization_tax_ids as (
    select _zoho_organization_id, tax_name, min(tax_id) as tax_id
    from {{ source('zoho_books_raw', 'taxes') }}
    group by _zoho_organization_id, tax_name
),

renamed as (
    select
        -- ids
        cast(parent.{{ parent_id_column }} as varchar) as {{ parent_id_column }},
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(
            coalesce(nullif(source.tax_id, ''), document_tax_ids.tax_id, organization_tax_ids.tax_id) as varchar
        ) as tax_id,
        cast(source._dlt_list_idx as integer) as tax_index,
        cast(source.tax_name as varchar) as tax_name,
        -- amounts, document currency
        {{ money('source.tax_amount') }} as tax_amount
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
    left join document_tax_ids
        on source._dlt_parent_id = document_tax_ids.document_dlt_id and source.tax_name = document_tax_ids.tax_name
    left join organization_tax_ids
        on parent._zoho_organization_id = organization_tax_ids._zoho_organization_id
        and source.tax_name = organization_tax_ids.tax_name
)

select * from renamed
{%- endif -%}
{%- endmacro %}

{#- The documents a credit was applied to (dlt child tables of credit notes or vendor credits): one row per
    application, on its own date (the credit's date when Zoho leaves it out), in the credit's currency.
    applied_tables: every child table Zoho may put them in (credit notes: the documented invoices[], and
    invoices_credited[] of recorded answers); amount_columns: the member names of the amount, first wins. -#}
{% macro stg_credit_applications(credits_table, applied_tables, credit_id, document_id, amount_columns) -%}
{%- set present = [] -%}
{%- for table in applied_tables if raw_table_exists(table) -%}{%- do present.append(table) -%}{%- endfor -%}
{%- if not present %}
    select
        cast(null as varchar) as {{ credit_id }}, cast(null as varchar) as organization_id,
        cast(null as varchar) as {{ document_id }}, cast(null as date) as applied_date, {{ money('null') }} as amount_applied
    where 1 = 0
{%- else %}
with parent as (
    select _dlt_id, {{ credit_id }}, _zoho_organization_id, date from {{ source('zoho_books_raw', credits_table) }}
),

renamed as (
    {%- for table in present %}
    select
        -- ids
        cast(parent.{{ credit_id }} as varchar) as {{ credit_id }},
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(source.{{ document_id }} as varchar) as {{ document_id }},
        -- dates
        cast(coalesce(source.date, parent.date) as date) as applied_date,
        -- amounts, credit currency (D48)
        {{ money('coalesce(' ~ amount_columns | join(', ') ~ ')') }} as amount_applied
    from {{ source('zoho_books_raw', table) }} as source
    inner join parent on source._dlt_parent_id = parent._dlt_id
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from renamed
{%- endif %}
{%- endmacro %}

{#- Whether a raw table has a column: the loader adds some (_detail_fetched) to tables loaded before them. -#}
{% macro raw_column_exists(table, column) -%}
    {%- if not execute -%}{{ return(true) }}{%- endif -%}
    {%- set relation = adapter.get_relation(database=target.database, schema=var('raw_schema'), identifier=table) -%}
    {%- if relation is none -%}{{ return(false) }}{%- endif -%}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {{ return(column | lower in names) }}
{%- endmacro %}

{#- A child table's rows, or none with the named columns where the table does not exist: the loader creates
    a child table with its first row, and a sync that fetches no details (`[sync] details`, D90) loads none.
    ``columns``: name -> 'text' or 'money'. -#}
{% macro raw_child(table, columns) -%}
{%- if raw_table_exists(table) -%}
    select * from {{ source('zoho_books_raw', table) }}
{%- else -%}
    select
        cast(null as varchar) as _dlt_id,
        cast(null as varchar) as _dlt_parent_id,
        cast(null as bigint) as _dlt_list_idx
        {%- for name, kind in columns.items() %},
        {% if kind == 'money' %}{{ money('null') }}{% else %}cast(null as varchar){% endif %} as {{ name }}
        {%- endfor %}
    where 1 = 0
{%- endif -%}
{%- endmacro %}

{#- The columns every refund shares, read from `source`: credit note, vendor credit, customer payment and vendor
    payment refunds answer with the same fields. A macro because the four staging models spelled the same rate
    and amount rules out four times. The amounts are in the refunded document's currency. -#}
{% macro refund_columns() -%}
        cast(source.reference_number as varchar) as reference_number,
        cast(source.refund_mode as varchar) as refund_mode,
        cast(source.description as varchar) as description,
        -- refunds have no draft or void status in Zoho's answers
        true as is_posting,
        -- dates
        cast(source.date as date) as refund_date,
        -- amounts, the refunded document's currency: amount on the detail, amount_fcy on the list row
        {{ money('coalesce(source.amount, source.amount_fcy)') }} as amount,
        -- without a rate on the answer, the one its base amount implies, else 1 (as for payments, D45)
        {{ fx_rate(
            'coalesce(source.exchange_rate, round(source.amount_bcy / nullif(coalesce(source.amount, source.amount_fcy), 0), 6), 1)'
        ) }} as exchange_rate,
        -- amounts, base currency: amount_bcy is on the list row
        {{ base_or_derived('source.amount_bcy', 'coalesce(source.amount, source.amount_fcy)') }} as bcy_amount
{%- endmacro %}

{#- The documents a payment settles (customer payments: invoices; vendor payments: bills), from the payment's
    child table, in the payment's order. A macro because the two staging models were the same but for these
    names. tax_amount_withheld: tax withheld on the document (TDS) that settles it too (D81, D101). -#}
{% macro stg_payment_applications(payments_table, document) -%}
with source as (
    {{ raw_child(payments_table ~ '__' ~ document ~ 's', {
        document ~ '_id': 'text', document ~ '_number': 'text', 'amount_applied': 'money',
        'tax_amount_withheld': 'money'
    }) }}
),

parent as (
    select _dlt_id, payment_id, _zoho_organization_id from {{ source('zoho_books_raw', payments_table) }}
),

renamed as (
    select
        -- ids
        cast(parent.payment_id as varchar) as payment_id,
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(source.{{ document }}_id as varchar) as {{ document }}_id,
        cast(source.{{ document }}_number as varchar) as {{ document }}_number,
        cast(source._dlt_list_idx as integer) as applied_index,
        -- amounts, payment currency (= the document's currency)
        {{ money('source.amount_applied') }} as amount_applied,
        {{ money('coalesce(source.tax_amount_withheld, 0)') }} as tax_amount_withheld
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
)

select * from renamed
{%- endmacro %}

{#- Refunds of customer or vendor payments (D135), a child table of the payment: loaded under the payment and
    replaced with it, so the audit columns are the payment's (a refund is loaded and deleted with it) but for
    the refund's own source id. A macro because the two staging models were the same but for these names.
    account_column: the refund's member naming the bank or cash account (a refund without one is left to
    Zoho's ledger, D60). -#}
{% macro stg_payment_refunds(refunds_table, payments_table, refund_id, account_column) -%}
with source as (
    {{ raw_child(refunds_table, {
        refund_id: 'text', 'date': 'text', 'refund_mode': 'text', 'reference_number': 'text',
        'description': 'text', account_column: 'text', 'amount': 'money', 'amount_bcy': 'money',
        'amount_fcy': 'money', 'exchange_rate': 'money'
    }) }}
),

parent as (
    select
        _dlt_id,
        payment_id,
        _zoho_organization_id,
        _synced_at,
        _dlt_load_id,
        _is_deleted,
        _deleted_at
    from {{ source('zoho_books_raw', payments_table) }}
),

renamed as (
    select
        -- ids
        cast(source.{{ refund_id }} as varchar) as {{ refund_id }},
        cast(parent._zoho_organization_id as varchar) as organization_id,
        cast(parent.payment_id as varchar) as payment_id,
        cast(nullif(source.{{ account_column }}, '') as varchar) as account_id,
        {{ refund_columns() }},
        -- dlt
        source._dlt_id,
        -- audit: the payment's, the refund's own id
        parent._synced_at,
        parent._zoho_organization_id,
        cast(source.{{ refund_id }} as varchar) as _zoho_source_id,
        parent._dlt_load_id as _load_id,
        coalesce(parent._is_deleted, false) as is_deleted,
        parent._deleted_at as deleted_at
    from source
    inner join parent on source._dlt_parent_id = parent._dlt_id
)

select * from renamed
{%- endmacro %}
