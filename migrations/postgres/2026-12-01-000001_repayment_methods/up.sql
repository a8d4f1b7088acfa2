-- Repayment methods (还款方式): a product lists those it offers, an offer
-- names exactly one. Until now every offer was priced as equal instalments,
-- so existing products offer that; existing offers take the method their
-- free-text conditions named, equal instalments otherwise.
ALTER TABLE products ADD COLUMN repayment_methods TEXT NOT NULL DEFAULT ',annuity,';
ALTER TABLE offers ADD COLUMN repayment_method TEXT NOT NULL DEFAULT 'annuity'
    CHECK (repayment_method IN ('annuity', 'equal_principal', 'interest_only', 'bullet'));
UPDATE offers SET repayment_method = 'bullet' WHERE conditions LIKE '%到期一次还本付息%';
UPDATE offers SET repayment_method = 'interest_only'
    WHERE repayment_method = 'annuity' AND conditions LIKE '%按月付息%' AND conditions LIKE '%到期还本%';
UPDATE offers SET repayment_method = 'equal_principal'
    WHERE repayment_method = 'annuity' AND conditions LIKE '%等额本金%';
