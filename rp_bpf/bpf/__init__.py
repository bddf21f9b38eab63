"""The bilan pédagogique et financier (cerfa 10443) as plain domain code: its lines (`lines`), a BPF's
content as typed values (`content`), the consistency rules of bpf.md §6 (`rules`) and the import of a draft
(`imports`). No database and no Flask here: models and views build on it."""
