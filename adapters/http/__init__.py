"""HTTP helpers shared by every service's Litestar app."""
