# plugins/drop: see README.md
