import { defineCommand, NO_BODY, replyOf } from '@callfleet/contracts';
import { IsInt, Min } from 'class-validator';
import { invalidPayloadReason } from '../jetstream/jetstream.service';
import { validateCommandPayload } from './command';

class CountDto {
  @IsInt()
  @Min(1)
  count: number;
}

const Count = defineCommand({ subject: 'test.v1.count', request: CountDto, response: replyOf<number>('Count') });
const Ping = defineCommand({ subject: 'test.v1.ping', request: NO_BODY, response: replyOf<string>('Pong') });

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('validateCommandPayload (what @Command checks before a handler runs)', () => {
  it('hands the handler an instance of the request class', async () => {
    const dto = await validateCommandPayload(Count, { count: 2 });
    expect(dto).toBeInstanceOf(CountDto);
    expect(dto).toEqual({ count: 2 });
  });

  it('refuses a payload the request class refuses, naming the field', async () => {
    const error = await refusal(validateCommandPayload(Count, { count: 0, admin: true }));
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(invalidPayloadReason(error)).toBe(
      'invalid payload: admin: property admin should not exist; count: count must not be less than 1',
    );
  });

  it('takes {} for a command without a body, and refuses any field or a non-object', async () => {
    expect(await validateCommandPayload(Ping, {})).toEqual({});
    expect(await refusal(validateCommandPayload(Ping, { id: 1 }))).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { fields: [{ field: 'id', problems: ['property id should not exist'] }] },
    });
    for (const payload of [null, [], 'text', 3]) {
      expect(await refusal(validateCommandPayload(Ping, payload))).toMatchObject({ code: 'VALIDATION_ERROR' });
    }
  });
});
