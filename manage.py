#!/usr/bin/env python
"""Django's command-line utility for Fengshou."""

import os
import sys
from pathlib import Path

# platform/ is an import root (like src/), not a package: it holds config/, hub/ and accounts/.
# Appended, not prepended, so the standard library's `platform` module keeps winning.
sys.path.append(str(Path(__file__).resolve().parent / "platform"))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
