DROP TABLE whitelist_changes;
DROP TABLE whitelist_rule;
DROP TABLE disputes;
DROP TABLE portrait_views;
DROP TABLE authorizations;
