# plugins/asset: see README.md
