import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { EmailField, isEmailAddress } from './email-field';

class WithEmail {
  @EmailField()
  email: string;
}

const problemsOf = async (email: unknown) => {
  const errors = await validate(plainToInstance(WithEmail, { email }));
  return errors.flatMap((e) => Object.keys(e.constraints ?? {}));
};

describe('EmailField', () => {
  it('takes an address, trimmed and lower-cased', async () => {
    const dto = plainToInstance(WithEmail, { email: '  Ada@Example.COM ' });
    expect(dto.email).toBe('ada@example.com');
    expect(await validate(dto)).toEqual([]);
  });

  it('answers a validation problem, never an exception, for strings the email check would throw on', async () => {
    for (const email of ['\ud800', 'a\ud800@example.com', '\udfff@example.com', 'ada\u0000@example.com']) {
      await expect(problemsOf(email)).resolves.toEqual(['isEmail']);
      expect(isEmailAddress(email)).toBe(false);
    }
  });

  it('refuses non-addresses, non-strings and addresses over 254 characters', async () => {
    for (const email of ['ada', '', 'a@b', 42, null, ['a@example.com']]) {
      expect(await problemsOf(email)).toContain('isEmail');
    }
    expect(await problemsOf(`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`)).toEqual(
      expect.arrayContaining(['maxLength']),
    );
  });
});
