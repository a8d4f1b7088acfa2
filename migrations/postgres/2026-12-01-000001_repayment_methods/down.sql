ALTER TABLE offers DROP COLUMN repayment_method;
ALTER TABLE products DROP COLUMN repayment_methods;
