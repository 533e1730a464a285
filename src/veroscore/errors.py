"""The one error root of VeroScore.

Every failure a user can fix (bad flags, unreadable files, invalid config, malformed diffs)
is raised as a subclass of `VeroScoreError`; only `cli.main` turns it into exit code 2 and a
single line on stderr, so helpers never exit the process themselves.
"""


class VeroScoreError(Exception):
    """A user-facing error: the message is printed as-is, without a traceback."""


class ConfigError(VeroScoreError):
    """The configuration file is unreadable or invalid; the message names file and key."""


class InputError(VeroScoreError):
    """A patch, description, repository or path given on the command line is unusable."""


class DetectorError(VeroScoreError):
    """A detection tool (Semgrep) failed in a way the run cannot recover from."""


class StoreError(VeroScoreError):
    """The score store could not be opened or written."""
