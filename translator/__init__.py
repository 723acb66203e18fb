"""translator: Amazon Vendor Direct Fulfillment APIs <-> ERP files.

Library first: the CLI in :mod:`translator.cli` only parses arguments, calls into
these packages and renders results.

Layers (each knows nothing about the ones beside it):

* :mod:`translator.api`       SP-API client (requests; LWA, RDT, throttling, retries)
* :mod:`translator.sandbox`   local DF sandbox HTTP server that enforces Amazon's rules
* :mod:`translator.documents` our own schema for each DF document + its business rules
* :mod:`translator.formats`   file syntaxes (CSV, XLSX, X12, EDIFACT, fixed width); no Amazon knowledge
* :mod:`translator.mapping`   YAML + Jinja2 mappings: the only place that knows field correspondences
* :mod:`translator.engine`    state store, pull / push / poll, exactly-once bookkeeping
* :mod:`translator.service`   watched folders, SFTP, scheduling (``translator run``)
"""

__version__ = "0.1.0"
