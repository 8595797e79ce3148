"""What every API endpoint shares: errors, pagination, permissions."""
