ALTER TABLE offers DROP COLUMN accepted_at;
DROP TABLE holiday_years;
ALTER TABLE holidays DROP COLUMN source;
