"""The report room: charts, tables, the scorecard page and the notebook pipeline that publishes
results, rendered from the Jinja2 templates beside it.
"""
