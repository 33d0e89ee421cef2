# tests of plugins/asset
