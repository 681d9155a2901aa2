"""Benchmarks for Idmaj (`make bench`): timings are measured here, never asserted in tests.

Runs in-process against its own PostgreSQL database (`idmaj_bench` by default, or
`BENCH_DATABASE_URL`), so it never touches development data:

- seed: the synthetic national dataset (`synthetic/`, seed 1; skipped when already there);
- the registry list page and its name/CIN search, for a national and a provincial user;
- the spreadsheet import: dry run and commit of a generated 10,000-row CSV;
- 80,000 micro-projects on that seed (conventions per region and national, lines, studies, events,
  visits), their list and worklists, and the approval of a line with its locks held.

Figures are printed as a table and written to `bench/results/latest.json`.
"""
