-- Where each holiday entry comes from: the State Council notice (国务院办公厅
-- 关于某年部分节假日安排的通知) it was shipped or imported with, or the credit
-- office when a single day was set by hand.
ALTER TABLE holidays ADD COLUMN source TEXT NOT NULL DEFAULT '';

-- The years whose whole official schedule is loaded. A working-day due date
-- in a year not listed counts weekends only and is shown as provisional (预计).
CREATE TABLE holiday_years (
    year INTEGER PRIMARY KEY NOT NULL,
    source TEXT NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);

-- When the enterprise accepted the offer: the start of the decision's ten
-- working days, so that a schedule imported later recounts the due date.
ALTER TABLE offers ADD COLUMN accepted_at TIMESTAMP;
