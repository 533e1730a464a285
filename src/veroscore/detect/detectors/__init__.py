"""Python detectors, one module each, for checks Semgrep is the wrong tool for."""
