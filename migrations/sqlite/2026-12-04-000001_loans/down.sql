DROP TABLE loan_events;
DROP TABLE repayments;
DROP TABLE instalments;
DROP TABLE drawdowns;
DROP TABLE loans;
