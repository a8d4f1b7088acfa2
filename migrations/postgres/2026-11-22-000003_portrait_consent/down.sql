DROP INDEX credit_evaluations_lists;
ALTER TABLE credit_evaluations DROP COLUMN whitelisted;
DROP TABLE whitelist_changes;
DROP TABLE whitelist_rule;
DROP TABLE disputes;
DROP TABLE portrait_views;
DROP TABLE authorizations;
