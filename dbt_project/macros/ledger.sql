{#- The derived general ledger. Rules: docs/ledger-posting-rules.md (the sandbox's zoho_sandbox/ledger.py).
    Every per-document model yields "pieces" (account, amount in document currency, debit positive) in the
    document's fixed piece order; cumulative rounding turns them into base currency so a document balances
    to the cent: base_k = round(running_k × rate) − round(running_(k−1) × rate). -#}

{#- pieces: organization_id, document_id, piece_index, account_id, amount (document currency, signed),
    cost_center, exchange_rate. Adds base_amount (signed) by cumulative rounding. -#}
{% macro cumulative_base(pieces) -%}
    select
        running.*,
        running.reached_base - coalesce(
            lag(running.reached_base) over (
                partition by running.organization_id, running.document_id order by running.piece_index
            ),
            {{ money(0) }}
        ) as base_amount
    from (
        select
            {{ pieces }}.*,
            {{ to_base(
                'sum(' ~ pieces ~ '.amount) over (partition by ' ~ pieces ~ '.organization_id, ' ~ pieces
                ~ '.document_id order by ' ~ pieces ~ '.piece_index rows between unbounded preceding and current row)',
                pieces ~ '.exchange_rate') }} as reached_base
        from {{ pieces }}
    ) as running
{%- endmacro %}

{#- The ledger columns every per-document model ends with. -#}
{% macro gl_columns(source_type) -%}
        entries.organization_id,
        entries.posting_date,
        entries.account_id,
        cast('{{ source_type }}' as varchar) as source_type,
        entries.document_id as source_id,
        entries.document_number as source_number,
        nullif(entries.contact_id, '') as contact_id,
        nullif(entries.cost_center, '') as cost_center,
        cast(entries.piece_index as integer) as piece_index,
        {{ money('entries.net_base') }} as net_base,
        entries.currency_code as transaction_currency,
        {{ fx_rate('entries.exchange_rate') }} as exchange_rate,
        {{ money('entries.net_transaction') }} as net_transaction,
        entries._synced_at,
        entries._zoho_organization_id,
        entries._zoho_source_id,
        entries._load_id
{%- endmacro %}

{#- Invoices (sales=true) and bills (sales=false); credit notes and vendor credits are the same pieces negated.
    Piece order: lines, taxes[], shipping, adjustment, −discount, round-off (only when there is one); then the
    receivable (payable) at bcy_total. -#}
{% macro gl_line_document(documents, lines, taxes, id_column, number_column, contact_column, source_type, sales, negate) -%}
{%- set sign = (-1 if sales else 1) * (-1 if negate else 1) -%}
{%- set names = ['shipping_charge', 'sales_adjustment', 'sales_discount', 'sales_rounding'] if sales
    else ['purchase_shipping', 'purchase_adjustment', 'purchase_discount', 'purchase_rounding'] -%}
with documents as (
    select * from {{ ref(documents) }}
    where is_posting and not is_deleted
),

lines as (
    select * from {{ ref(lines) }}
),

taxes as (
    select * from {{ ref(taxes) }}
),

tax_settings as (
    select organization_id, tax_id, {{ 'tax_account_id' if sales else 'purchase_tax_account_id' }} as account_id
    from {{ ref('int_tax_accounts') }}
),

system_accounts as (
    select * from {{ ref('int_system_accounts') }}
),

document_pieces as (
    select
        lines.organization_id,
        lines.{{ id_column }} as document_id,
        1 as piece_group,
        lines.line_index as piece_order,
        lines.account_id,
        lines.item_total as amount,
        lines.cost_center
    from lines
    union all
    select
        taxes.organization_id,
        taxes.{{ id_column }},
        2,
        taxes.tax_index,
        tax_settings.account_id,
        taxes.tax_amount,
        cast(null as varchar)
    from taxes
    left join tax_settings
        on taxes.organization_id = tax_settings.organization_id and taxes.tax_id = tax_settings.tax_id
    union all
    select documents.organization_id, documents.{{ id_column }}, 3, 0, system_accounts.account_id,
        documents.shipping_charge, cast(null as varchar)
    from documents
    left join system_accounts
        on documents.organization_id = system_accounts.organization_id and system_accounts.role = '{{ names[0] }}'
    union all
    select documents.organization_id, documents.{{ id_column }}, 4, 0, system_accounts.account_id,
        documents.adjustment, cast(null as varchar)
    from documents
    left join system_accounts
        on documents.organization_id = system_accounts.organization_id and system_accounts.role = '{{ names[1] }}'
    union all
    select documents.organization_id, documents.{{ id_column }}, 5, 0,
        coalesce(documents.discount_account_id, system_accounts.account_id),
        -documents.discount_total, cast(null as varchar)
    from documents
    left join system_accounts
        on documents.organization_id = system_accounts.organization_id and system_accounts.role = '{{ names[2] }}'
    union all
    -- Zoho's round-off of the total (roundoff_value), its own piece where there is one (D79)
    select documents.organization_id, documents.{{ id_column }}, 6, 0, system_accounts.account_id,
        documents.roundoff_value, cast(null as varchar)
    from documents
    left join system_accounts
        on documents.organization_id = system_accounts.organization_id and system_accounts.role = '{{ names[3] }}'
    where documents.roundoff_value <> 0
),

pieces as (
    select
        document_pieces.organization_id,
        document_pieces.document_id,
        row_number() over (
            partition by document_pieces.organization_id, document_pieces.document_id
            order by document_pieces.piece_group, document_pieces.piece_order
        ) - 1 as piece_index,
        document_pieces.account_id,
        document_pieces.amount,
        document_pieces.cost_center,
        documents.exchange_rate
    from document_pieces
    inner join documents
        on document_pieces.organization_id = documents.organization_id
        and document_pieces.document_id = documents.{{ id_column }}
),

based as (
    {{ cumulative_base('pieces') }}
),

piece_entries as (
    select
        based.organization_id,
        based.document_id,
        based.piece_index,
        based.account_id,
        based.cost_center,
        {{ sign }} * based.base_amount as net_base,
        {{ sign }} * based.amount as net_transaction
    from based
),

counterpart_entries as (
    select
        documents.organization_id,
        documents.{{ id_column }} as document_id,
        coalesce(piece_counts.pieces, 0) as piece_index,
        system_accounts.account_id,
        cast(null as varchar) as cost_center,
        {{ -sign }} * documents.bcy_total as net_base,
        {{ -sign }} * documents.total as net_transaction
    from documents
    left join (
        select organization_id, document_id, count(*) as pieces from pieces group by organization_id, document_id
    ) as piece_counts
        on documents.organization_id = piece_counts.organization_id
        and documents.{{ id_column }} = piece_counts.document_id
    left join system_accounts
        on documents.organization_id = system_accounts.organization_id
        and system_accounts.role = '{{ "accounts_receivable" if sales else "accounts_payable" }}'
),

entries as (
    select
        all_entries.*,
        documents.document_date as posting_date,
        documents.{{ number_column }} as document_number,
        documents.{{ contact_column }} as contact_id,
        documents.currency_code,
        documents.exchange_rate,
        documents._synced_at,
        documents._zoho_organization_id,
        documents._zoho_source_id,
        documents._load_id
    from (
        select * from piece_entries
        union all
        select * from counterpart_entries
    ) as all_entries
    inner join documents
        on all_entries.organization_id = documents.organization_id
        and all_entries.document_id = documents.{{ id_column }}
    where all_entries.net_base <> 0
),

final as (
    select
        {{ gl_columns(source_type) }}
    from entries
)

select * from final
{%- endmacro %}

{#- Customer payments (customer=true) debit the bank; vendor payments mirror them. Bank at the payment's rate,
    the receivable (payable) at each applied document's own rate, bank charges, the difference to
    Exchange Gain or Loss (a loss a debit, a gain a credit). -#}
{% macro gl_payment(payments, applied, documents, document_id_column, contact_column, source_type, customer) -%}
{%- set sign = 1 if customer else -1 -%}
with payments as (
    select * from {{ ref(payments) }}
    where is_posting and not is_deleted
),

applied as (
    select * from {{ ref(applied) }}
),

documents as (
    select organization_id, {{ document_id_column }}, exchange_rate from {{ ref(documents) }}
),

system_accounts as (
    select * from {{ ref('int_system_accounts') }}
),

bank_pieces as (
    select
        payments.organization_id,
        payments.payment_id as document_id,
        0 as piece_index,
        payments.account_id,
        {{ sign }} * (payments.bcy_amount - {{ to_base('payments.bank_charges', 'payments.exchange_rate') }}) as net_base,
        {{ sign }} * (payments.amount - payments.bank_charges) as net_transaction
    from payments
    union all
    select
        payments.organization_id,
        payments.payment_id,
        1,
        system_accounts.account_id,
        {{ sign }} * {{ to_base('payments.bank_charges', 'payments.exchange_rate') }},
        {{ sign }} * payments.bank_charges
    from payments
    left join system_accounts
        on payments.organization_id = system_accounts.organization_id
        and system_accounts.role = 'bank_charges'
    where payments.bank_charges <> 0
),

applied_pieces as (
    select
        payments.organization_id,
        payments.payment_id as document_id,
        (case when payments.bank_charges <> 0 then 2 else 1 end) + applied.applied_index as piece_index,
        system_accounts.account_id,
        {{ -sign }} * {{ to_base('applied.amount_applied', 'coalesce(documents.exchange_rate, payments.exchange_rate)') }} as net_base,
        {{ -sign }} * applied.amount_applied as net_transaction
    from payments
    inner join applied
        on payments.organization_id = applied.organization_id and payments.payment_id = applied.payment_id
    left join documents
        on applied.organization_id = documents.organization_id
        and applied.{{ document_id_column }} = documents.{{ document_id_column }}
    left join system_accounts
        on payments.organization_id = system_accounts.organization_id
        and system_accounts.role = '{{ "accounts_receivable" if customer else "accounts_payable" }}'
),

settled_pieces as (
    select * from bank_pieces
    union all
    select * from applied_pieces
),

exchange_difference as (
    select
        settled.organization_id,
        settled.document_id,
        max(settled.piece_index) + 1 as piece_index,
        system_accounts.account_id,
        -sum(settled.net_base) as net_base,
        {{ money(0) }} as net_transaction
    from settled_pieces as settled
    left join system_accounts
        on settled.organization_id = system_accounts.organization_id
        and system_accounts.role = 'exchange_gain_loss'
    group by settled.organization_id, settled.document_id, system_accounts.account_id
),

entries as (
    select
        all_entries.*,
        cast(null as varchar) as cost_center,
        payments.payment_date as posting_date,
        payments.payment_number as document_number,
        payments.{{ contact_column }} as contact_id,
        payments.currency_code,
        payments.exchange_rate,
        payments._synced_at,
        payments._zoho_organization_id,
        payments._zoho_source_id,
        payments._load_id
    from (
        select * from settled_pieces
        union all
        select * from exchange_difference
    ) as all_entries
    inner join payments
        on all_entries.organization_id = payments.organization_id
        and all_entries.document_id = payments.payment_id
    where all_entries.net_base <> 0
),

final as (
    select
        {{ gl_columns(source_type) }}
    from entries
)

select * from final
{%- endmacro %}
