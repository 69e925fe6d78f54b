-- The Prefect server keeps its own database beside claimwatch's ledger.
CREATE DATABASE prefect;
