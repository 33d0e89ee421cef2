# plugins/inventory: shared inventory library (see README.md)
