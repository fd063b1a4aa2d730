"""The analysis room: pure measurements on frames (runs, returns, valuation spreads, rate
sensitivity, analogs, breadth) and the `Measurement` each returns for a ledger row.

Modules here read data only through the public `helpers.data` API and never the ledger.
"""
