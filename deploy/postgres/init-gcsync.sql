-- Database for gcsync's audit log, plans and snapshots (separate from Temporal's own databases).
CREATE DATABASE gcsync;
