"""The analysis room: pure computation on frames (runs, returns, valuation spreads, rate
sensitivity, analogs, breadth) and the `Measurement` contract a measure returns.

Frames and numbers in, numbers and frames out: nothing here loads data (`helpers.data`) or
reads the ledger; `helpers.measures` does both and calls these functions.
"""
