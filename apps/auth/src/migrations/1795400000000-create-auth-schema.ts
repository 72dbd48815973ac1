import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The auth schema: identities, memberships, sessions, codes, API keys and the audit log. */
export class CreateAuthSchema1795400000000 implements MigrationInterface {
  name = 'CreateAuthSchema1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE auth.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        password_hash text,
        email_verified_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_unique UNIQUE (email),
        CONSTRAINT users_email_lowercase CHECK (email = lower(email))
      )`);
    await q.query(`
      CREATE TABLE auth.memberships (
        org_id uuid NOT NULL REFERENCES auth.organizations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'agent', 'viewer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, user_id)
      )`);
    // Login looks a user's memberships up by user.
    await q.query(`CREATE INDEX memberships_user_idx ON auth.memberships (user_id)`);

    await q.query(`
      CREATE TABLE auth.refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        family_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
        org_id uuid NOT NULL REFERENCES auth.organizations (id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT refresh_tokens_hash_unique UNIQUE (token_hash)
      )`);
    // Revoking a family, and all of a user's live families after a password reset.
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON auth.refresh_tokens (family_id)`);
    await q.query(
      `CREATE INDEX refresh_tokens_user_live_idx ON auth.refresh_tokens (user_id) WHERE revoked_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE auth.verification_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('password-reset', 'email-verification', 'invitation')),
        code_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        consumed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX verification_codes_live_idx ON auth.verification_codes (user_id, purpose) WHERE consumed_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE auth.api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES auth.organizations (id) ON DELETE CASCADE,
        created_by uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL,
        secret_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'agent', 'viewer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT api_keys_prefix_unique UNIQUE (prefix)
      )`);
    await q.query(`CREATE INDEX api_keys_org_idx ON auth.api_keys (org_id, created_at)`);

    await q.query(`
      CREATE TABLE auth.audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid,
        user_id uuid,
        event text NOT NULL,
        ip text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // An org's trail by time, and a user's (kept after the user is gone: no foreign keys here).
    await q.query(`CREATE INDEX audit_log_org_idx ON auth.audit_log (org_id, created_at)`);
    await q.query(`CREATE INDEX audit_log_user_idx ON auth.audit_log (user_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'api_keys',
      'verification_codes',
      'refresh_tokens',
      'memberships',
      'users',
      'organizations',
    ]) {
      await q.query(`DROP TABLE IF EXISTS auth.${table}`);
    }
  }
}
