"""Models of the bookings app arrive with its issue; the app is installed from the start."""
