#!/bin/sh
# Dies before its headers after writing markup and a terminal escape to stderr: the dashboard
# must show both as text, never as markup or colour.
printf '<img src=x onerror=alert(1)> \033[31mred\033[0m\n' >&2
exit 4
