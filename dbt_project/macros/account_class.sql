{#- Zoho's ~40 account types folded into the five classes of the accounting equation. Unknown types fall to
    asset/liability by Zoho's naming, and the accepted_values test on account_class catches anything else. -#}
{% macro account_class(account_type) -%}
    case
        when {{ account_type }} in ('income', 'other_income') then 'income'
        when {{ account_type }} in ('expense', 'cost_of_goods_sold', 'other_expense') then 'expense'
        when {{ account_type }} in ('equity') then 'equity'
        when {{ account_type }} in (
            'bank', 'cash', 'accounts_receivable', 'other_current_asset', 'fixed_asset', 'stock',
            'other_asset', 'payment_clearing', 'input_tax', 'intangible_asset', 'right_to_use_asset'
        ) then 'asset'
        when {{ account_type }} in (
            'accounts_payable', 'other_current_liability', 'credit_card', 'long_term_liability',
            'other_liability', 'output_tax', 'loans_and_borrowing', 'lease_liability', 'overseas_tax_payable'
        ) then 'liability'
    end
{%- endmacro %}
