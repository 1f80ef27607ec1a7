"""MongoDB connection and documents."""
