# plugins/compartment: see README.md
