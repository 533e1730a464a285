"""The governance dashboard: one set of query functions behind a live server (JSON API +
pages) and a static build (the same pages with their data embedded)."""
