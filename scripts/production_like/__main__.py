import sys

from scripts.production_like import main

sys.exit(main(sys.argv[1:]))
