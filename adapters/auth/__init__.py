"""Who is calling: signed bearer tokens (JWT) carrying agency and role."""
