DROP TABLE api_tokens;
DROP TABLE api_clients;
