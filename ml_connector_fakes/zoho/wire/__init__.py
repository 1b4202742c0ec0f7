"""What goes on the wire: the sandbox's internal records turned into Zoho's list rows and detail records.

The generator and the ledger keep richer records than Zoho sends (base-currency twins of every piece, the
applications in one internal shape, tax ids on ``taxes[]``...), because the sandbox's own ledger needs them.
Zoho's answers are narrower, and a connector must cope with exactly what Zoho sends, so every answer passes
through here: each entity names the members of its list rows and of its detail records, the members of
their nested lists and objects, and the few members computed for the wire (renamed applications, the
documented ``updated_time``, ``bcy_balance``...).

The member names follow Zoho's published API documents (``tests/reference/zoho-books-v3``), the list-row
fields observed in real answers (``tests/reference/zoho-list-fields.md``) and the recorded real shapes
(``tests/reference/zoho-real-shapes.md``); ``tests/sandbox/test_documented_shapes.py`` holds the sandbox
to them over HTTP. They are written out here, not read from those files at run time: the sandbox stands
in for Zoho and must not learn its answers from the tests' copies of the documents.

Custom-field members (``cf_<label>``, ``cf_<label>_unformatted``) pass on every record that has them, as
in real answers. A member the internal record lacks is left out, never invented.

By job: ``members.py`` (how members are written down, shared nested shapes), ``reference.py``,
``sales.py``, ``purchases.py`` and ``banking.py`` (each entity's members), ``shapes.py`` (each entity's
shape and its computed members), ``shaping.py`` (a record turned into a row or a detail).
"""

from ml_connector_fakes.zoho.wire.shapes import SHAPES
from ml_connector_fakes.zoho.wire.shaping import detail_record, list_row

__all__ = ["SHAPES", "detail_record", "list_row"]
