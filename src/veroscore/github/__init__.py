"""GitHub side: the Actions event context, a thin REST adapter, and the enforcer."""
