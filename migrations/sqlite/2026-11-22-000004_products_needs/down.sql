DROP TABLE needs;
DROP TABLE subscriptions;
DROP TABLE product_history;
DROP TABLE products;
