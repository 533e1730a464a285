"""VeroScore: PR governance for Supabase/GitHub teams (VeroField Governance v3)."""

__version__ = "0.1.0"
ENGINE_VERSION = f"veroscore-{__version__}"
