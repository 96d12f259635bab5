"""python3 -m reports RESULTS.json [MORE.json ...] [--out DIR]"""
import sys

from .cli import main

sys.exit(main())
