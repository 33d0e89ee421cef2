# tests of plugins/compartment
