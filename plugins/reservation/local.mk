# plugins/reservation: see README.md
