-- docker-compose: one database per service on the PostgreSQL container (architecture.md, "Infrastructure").
-- Runs once, on the first start with an empty data volume. `npm run infra:up` does the same locally.
CREATE DATABASE intake;
CREATE DATABASE courier;
CREATE DATABASE marketplace;
CREATE DATABASE readmodels;
