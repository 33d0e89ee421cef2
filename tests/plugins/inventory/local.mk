# tests of plugins/inventory
