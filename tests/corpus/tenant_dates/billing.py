from datetime import date, datetime

# expect: hardcoded_tenant_id
TENANT_ID = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"
# expect: hardcoded_tenant_id
DEFAULT_ORG_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
# ok: hardcoded_tenant_id
REQUEST_NAMESPACE = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
# ok: hardcoded_tenant_id
NIL_TENANT_ID = "00000000-0000-0000-0000-000000000000"


def invoices(client, tenant_id):
    # expect: hardcoded_tenant_id
    return client.table("invoices").select("*").eq("tenant_id", "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b")


def is_admin(user_id):
    # expect: hardcoded_tenant_id
    return user_id == "1b4e28ba-2fa1-11d2-883f-0016d3cca427"


def promo_active(today: date) -> bool:
    # expect: hardcoded_date
    return today < date(2026, 12, 31)


def expired(now: datetime) -> bool:
    # expect: hardcoded_date
    return now.isoformat() > "2026-06-30"


# expect: hardcoded_date
TRIAL_DEADLINE = "2026-03-01"
# expect: hardcoded_date
launch_date = datetime(2026, 5, 1, 9, 0)
# ok: hardcoded_date
DATE_FORMAT = "%Y-%m-%d"
# ok: hardcoded_date
API_VERSION = "2024-06-20"
# shipped on 2026-01-15 (ok: this is a comment)
