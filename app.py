"""`python app.py` serves the chat, like `archive-qa serve`."""

import sys

from qa.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
