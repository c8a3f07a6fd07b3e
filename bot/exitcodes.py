"""The process exit statuses of every `obligations` command, in one table.

Operators and systemd read these numbers: the units must not restart in a loop on a problem a restart
cannot fix (bad settings, bad rule files), and should restart on one it can (Telegram unreachable, port
busy). The values follow BSD sysexits.h where one fits, so they mean the same as in other daemons.
deploy/README.md ("Exit statuses") documents this table; keep the two in step.
"""

from __future__ import annotations

OK = 0  # done, or stopped cleanly by SIGTERM/SIGINT
FAILURE = 1  # `check` found problems, or an unexpected failure (the log says where)
USAGE = 2  # bad command line: argparse's own status, also a missing question or an unknown document id
DATA = 65  # EX_DATAERR: rules/ or knowledge/ files do not load (the message names file, document, field)
UNAVAILABLE = 69  # EX_UNAVAILABLE: the Telegram Bot API cannot be reached at start-up (after retries)
OSERR = 71  # EX_OSERR: cannot listen on the address and port (in use, or not an address of this host)
CONFIG = 78  # EX_CONFIG: bad or missing settings, a malformed token, a token Telegram rejects, a bad webhook URL

# Restarting cannot fix these: systemd's RestartPreventExitStatus= lists them.
NO_RESTART = (CONFIG, DATA)

MEANING = {
    OK: "clean stop",
    FAILURE: "`check` found problems, or an unexpected failure",
    USAGE: "bad command line",
    DATA: "rule or knowledge files do not load",
    UNAVAILABLE: "Telegram unreachable at start-up",
    OSERR: "cannot listen on the address and port",
    CONFIG: "bad settings or token",
}
