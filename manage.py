#!/usr/bin/env python
"""Django's command-line utility for Fengshou."""

import os
import sys

# config, hub, accounts (in platform/) and the apps at the root come from the editable install
# (`make venv`: pip install -e .), each package mapped to its folder; platform/ is never on
# sys.path, so the standard library's `platform` is the only one (docs/adr/0013).


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
