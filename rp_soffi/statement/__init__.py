"""The collecting bodies' yearly statement « État statistique et financier » (soffi.md §3–§7) as plain domain
code, no database: `catalogue` (sections and lines), `values` (the figures and their JSON shape), `rules` (§6),
`workflow` (§4), `csv_import` (§7), `amounts` (euros typed ↔ integer cents), `attachments`."""
