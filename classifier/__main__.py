"""``python -m classifier train|evaluate|score|bench``."""

from classifier.cli import main

raise SystemExit(main())
