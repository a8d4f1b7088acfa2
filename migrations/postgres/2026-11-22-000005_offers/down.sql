DROP TABLE holidays;
ALTER TABLE needs DROP COLUMN republished_from;
ALTER TABLE needs DROP COLUMN overdue;
ALTER TABLE needs DROP COLUMN accepted_offer_id;
DROP TABLE offers;
