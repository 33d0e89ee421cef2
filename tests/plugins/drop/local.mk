# tests of plugins/drop
