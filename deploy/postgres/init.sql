-- One database; each service keeps its events in its own schema (created on start).
CREATE DATABASE samlad;
