"""The bilan pédagogique et financier (cerfa 10443) as plain domain code: its lines (`lines`), a BPF's
content as typed values (`content`), the consistency rules of bpf.md §6 (`rules`), the import of a draft
(`imports`), the frozen snapshot and its hash (`snapshot`), the receipt « Accusé de réception » (`receipt`) and
the exports: printable PDF (`cerfa_pdf`), CSV, JSON and the campaign CSV (`exports`). No database and no Flask
here: models and views build on it."""
