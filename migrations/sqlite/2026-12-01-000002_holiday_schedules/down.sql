DROP TABLE holiday_years;
ALTER TABLE holidays DROP COLUMN source;
