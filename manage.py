#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import sys

from kb.settings import use_default_module


def main():
    use_default_module()  # production's settings unless DJANGO_DEBUG asks for debug
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
