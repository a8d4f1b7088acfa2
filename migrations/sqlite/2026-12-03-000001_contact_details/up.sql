-- Contact across a deal. An enterprise account keeps the person, mobile and
-- email a bank calls after a grab (not the registry's contact on
-- `enterprises`, which proves control and is rewritten by every registry
-- import); an officer keeps a phone. Registration records the consent to the
-- 用户协议 and 隐私政策 with its version and time.
ALTER TABLE users ADD COLUMN contact_person TEXT;
ALTER TABLE users ADD COLUMN contact_email TEXT;
ALTER TABLE users ADD COLUMN phone TEXT;
ALTER TABLE users ADD COLUMN terms_version TEXT;
ALTER TABLE users ADD COLUMN terms_accepted_at TIMESTAMP;

-- Recording contact says how and when it happened (`contacted_at`, the
-- event the contact time is judged by); when it was typed in is kept too.
ALTER TABLE offers ADD COLUMN contact_method TEXT CHECK (contact_method IN ('phone', 'visit', 'other'));
ALTER TABLE offers ADD COLUMN contact_recorded_at TIMESTAMP;
UPDATE offers SET contact_recorded_at = contacted_at WHERE contacted_at IS NOT NULL;
