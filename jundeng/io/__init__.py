"""Readers of input files (catalogue YAML, tabular CSV/XLSX/XLS); no database access here."""
