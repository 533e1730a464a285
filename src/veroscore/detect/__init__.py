"""Detection: Python detectors plus one Semgrep run, filtered to what the change adds."""
