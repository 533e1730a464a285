"""The Auto-PR session agent: turns a developer's stream of edits into governed pull requests.

Data flows one way through the package: `watcher` (inotify events) → `debounce` + `noise`
(what is not a change) → `measure` (what git says changed) → `queue_store` (the
`changes_queue`) → `thresholds` → `delivery` (snapshot, scan, push, PR, store update, each
step keyed in `idempotency_keys`). `agent` runs the loop; `control` lets `status`, `flush`
and `stop` talk to a running agent through files in `.git/veroscore/`.
"""
