import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The machine's PostgreSQL (trust auth); tests create their own database on it. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabaseOptions {
  /** The server, as a URL of a database to connect to for CREATE/DROP DATABASE. Default TEST_POSTGRES_URL. */
  serverUrl?: string;
  /** Start of the database's name, saying whose it is (tests, benchmarks). */
  prefix?: string;
}

/**
 * A fresh database for one test file or benchmark run, dropped afterwards, so runs never collide.
 * Benchmarks use it too (bench/), which is why it imports nothing from Jest.
 */
export class TestDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly serverUrl: string,
  ) {}

  static async create({
    serverUrl = TEST_POSTGRES_URL,
    prefix = 'callfleet_test',
  }: TestDatabaseOptions = {}): Promise<TestDatabase> {
    const name = `${prefix}_${randomBytes(5).toString('hex')}`;
    await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return new TestDatabase(name, url.toString(), serverUrl);
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Pids of the PostgreSQL backends connected to this database (its CPU share of a benchmark run). */
  async backendPids(): Promise<number[]> {
    const client = new Client({ connectionString: this.serverUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [this.name],
      );
      return rows.map((row) => row.pid);
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    await adminQuery(this.serverUrl, `DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
  }
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
