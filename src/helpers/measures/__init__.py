"""The measures room: from a ledger row to its `Measurement`.

A row names its measurement by the key `measured_by` in its rule; `registry` maps the key to
one function of one signature, `(Reading) -> Measurement`, in the module of its family
(streaks, returns, valuation, rates, analogs, breadth). A measure resolves the row's rule
choices, loads the data the row names through `helpers.data` and computes with the pure
functions of `helpers.analysis`; the claims room judges what it returns.
"""
