"""One module a sub-command, each with `register(subparsers)`; kjtui.cli finds them all."""
