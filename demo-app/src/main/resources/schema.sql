create table owners (id bigint primary key, first_name varchar(40), last_name varchar(40), city varchar(40));
create table stock (item_id bigint primary key, quantity int);
create table orders (id bigint auto_increment primary key, owner_id bigint, item varchar(80), created timestamp);
