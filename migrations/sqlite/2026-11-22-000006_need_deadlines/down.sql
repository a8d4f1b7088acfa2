ALTER TABLE offers DROP COLUMN approved_on;
DROP INDEX needs_by_newest;
DROP INDEX needs_by_amount;
DROP INDEX needs_republished_from;
DROP INDEX offers_contact_due;
DROP INDEX offers_valid_until;
DROP TABLE reminders;
