DROP TABLE messages;
DROP TABLE password_resets;
