# tests of plugins/reservation
