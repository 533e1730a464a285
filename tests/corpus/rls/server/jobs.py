import os

from supabase import create_client

# ok: rls_violation
admin = create_client(os.environ["SUPABASE_URL"], os.environ["SUPABASE_SERVICE_ROLE_KEY"])


def overdue(org_id: str) -> list[dict]:
    # expect: rls_violation
    rows = admin.table("invoices").select("*").execute()
    # ok: rls_violation
    mine = admin.table("invoices").select("*").eq("org_id", org_id).execute()
    return rows.data + mine.data
