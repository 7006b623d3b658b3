DROP TABLE plan_imports;
