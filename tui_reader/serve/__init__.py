"""``tui-reader serve``: the SSH server, its authorized keys, sessions, limits and logging.
Starts readers as child processes; never imports the UI."""
