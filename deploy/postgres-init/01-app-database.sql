-- The application's own database and login role, next to Temporal's databases in the same
-- PostgreSQL server. Temporal's `temporal` and `temporal_visibility` databases are created by
-- temporalio/auto-setup, not here.
--
-- The postgres image runs this file once, when the data volume is first initialised; on an
-- existing volume it is skipped, so a changed password must be set with ALTER ROLE by hand.
--
-- A role of its own keeps the app out of Temporal's tables (it owns only service_followup).
-- The password comes from the container's environment (set by docker-compose.yml) rather than
-- from this file; if the variable were missing, `:'app_password'` stays unsubstituted and the
-- statement fails, which stops the initialisation instead of creating a role without a password.
\getenv app_password APP_DB_PASSWORD
CREATE ROLE service_followup LOGIN PASSWORD :'app_password';
-- As the owner, the role can create the schema's tables: the app applies its own migrations.
CREATE DATABASE service_followup OWNER service_followup;
