ALTER TABLE offers DROP COLUMN contact_recorded_at;
ALTER TABLE offers DROP COLUMN contact_method;
ALTER TABLE users DROP COLUMN terms_accepted_at;
ALTER TABLE users DROP COLUMN terms_version;
ALTER TABLE users DROP COLUMN phone;
ALTER TABLE users DROP COLUMN contact_email;
ALTER TABLE users DROP COLUMN contact_person;
