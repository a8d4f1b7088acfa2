DROP TABLE bulletin_subscribers;
DROP TABLE bulletins;
DROP TABLE stat_snapshots;
