// Integration tests start processes, brokers and databases: 60 s per test and hook (Jest's default is 5 s).
jest.setTimeout(60_000);
