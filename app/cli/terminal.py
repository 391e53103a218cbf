"""Where the command writes: lines for people on stderr, what scripts read on stdout.

Lines are never wrapped to the terminal: scripts read them, and a path must stay on one line.
"""

from rich.console import Console

console = Console(stderr=True, soft_wrap=True)
stdout = Console(soft_wrap=True)
