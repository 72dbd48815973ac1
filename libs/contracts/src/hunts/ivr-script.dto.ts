import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { plainToInstance, Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IVR_DIGITS_PATTERN } from './hunt-model';

/** The most steps one script may have: a real IVR tree is a handful deep; this bounds a hostile one. */
export const IVR_SCRIPT_MAX_STEPS = 50;
/** The longest any single wait, delay or timeout of a step may be (an hour: no hold lasts longer usefully). */
export const IVR_STEP_MAX_MS = 3_600_000;
/** The widest jitter a step may add or take away. */
export const IVR_STEP_MAX_JITTER_MS = 600_000;

export const IVR_STEP_ACTIONS = ['digits', 'wait', 'expect'] as const;
export type IvrStepAction = (typeof IVR_STEP_ACTIONS)[number];
export const IVR_EXPECT_KINDS = ['speech', 'music'] as const;

/**
 * One step of an IVR script. Validation picks the subclass from `action` (see `IvrScriptProperty`); a
 * step with an unknown action stays this class, which knows only `action`, so it is refused with that
 * field named and every other field refused as unknown.
 */
export class IvrStepDto {
  @ApiProperty({ enum: IVR_STEP_ACTIONS })
  @IsIn(IVR_STEP_ACTIONS, { message: `action must be one of ${IVR_STEP_ACTIONS.join(', ')}` })
  action: IvrStepAction;
}

const jitter = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      minimum: 0,
      maximum: IVR_STEP_MAX_JITTER_MS,
      description: 'Up to this much earlier or later, at random (so a fleet of legs does not act in lockstep)',
    }),
    IsOptional(),
    IsInt(),
    Min(0),
    Max(IVR_STEP_MAX_JITTER_MS),
  );

const milliseconds = (description: string, min: number, example: number) =>
  applyDecorators(
    ApiProperty({ type: 'integer', minimum: min, maximum: IVR_STEP_MAX_MS, description, example }),
    IsInt(),
    Min(min),
    Max(IVR_STEP_MAX_MS),
  );

/** `{"action": "digits", "digits": "1", "afterMs": 15000, "jitterMs": 3000}`: send DTMF, `afterMs` after the previous step. */
export class IvrDigitsStepDto {
  @ApiProperty({ enum: ['digits'] })
  @IsIn(['digits'])
  action: 'digits';

  @ApiProperty({
    pattern: IVR_DIGITS_PATTERN.source,
    example: '1',
    description: '0-9, *, # and w (a half-second pause)',
  })
  @Matches(IVR_DIGITS_PATTERN, { message: 'digits must be 1 to 64 of 0-9 * # w' })
  digits: string;

  @milliseconds('Delay after the previous step (or the answer)', 0, 15000)
  afterMs: number;

  @jitter()
  jitterMs?: number;
}

/** `{"action": "wait", "ms": 45000, "jitterMs": 3000}`: let time pass (the hold music plays). */
export class IvrWaitStepDto {
  @ApiProperty({ enum: ['wait'] })
  @IsIn(['wait'])
  action: 'wait';

  @milliseconds('How long to wait', 0, 45000)
  ms: number;

  @jitter()
  jitterMs?: number;
}

/** `{"action": "expect", "kind": "speech", "timeoutMs": 30000}`: go on once media-stream hears it, or give up. */
export class IvrExpectStepDto {
  @ApiProperty({ enum: ['expect'] })
  @IsIn(['expect'])
  action: 'expect';

  @ApiProperty({ enum: IVR_EXPECT_KINDS })
  @IsIn(IVR_EXPECT_KINDS, { message: `kind must be one of ${IVR_EXPECT_KINDS.join(', ')}` })
  kind: (typeof IVR_EXPECT_KINDS)[number];

  @milliseconds('How long to wait for it before the leg is given up', 1, 30000)
  timeoutMs: number;
}

/** The step classes, for `@ApiExtraModels(...IVR_STEP_MODELS)` on a controller whose DTOs carry a script. */
export const IVR_STEP_MODELS = [IvrDigitsStepDto, IvrWaitStepDto, IvrExpectStepDto] as const;

/**
 * A property holding an IVR script: an array of at most `IVR_SCRIPT_MAX_STEPS` steps, each validated as
 * the step its `action` names. `optional` makes the property optional (absent = no script given).
 * The OpenAPI schema refers to the step models: list `IVR_STEP_MODELS` in the controller's `@ApiExtraModels`.
 */
export function IvrScriptProperty(options: { optional?: boolean; description?: string } = {}): PropertyDecorator {
  const doc = {
    type: 'array',
    maxItems: IVR_SCRIPT_MAX_STEPS,
    items: { oneOf: IVR_STEP_MODELS.map((model) => ({ $ref: getSchemaPath(model) })) },
    description: options.description ?? 'The IVR script: steps run in order on every answered leg',
  } as const;
  return applyDecorators(
    options.optional ? ApiPropertyOptional(doc) : ApiProperty(doc),
    ...(options.optional ? [IsOptional()] : []),
    IsArray(),
    ArrayMaxSize(IVR_SCRIPT_MAX_STEPS),
    // A null or a number in the array is not a step (ValidateNested alone lets a null through).
    IsObject({ each: true, message: 'each step must be an object' }),
    ValidateNested({ each: true }),
    Transform(({ obj, key }) => toSteps((obj as Record<string, unknown>)[key])),
  );
}

const STEP_CLASSES: Readonly<Record<IvrStepAction, new () => object>> = {
  digits: IvrDigitsStepDto,
  wait: IvrWaitStepDto,
  expect: IvrExpectStepDto,
};

/**
 * Each object of the array as the class its `action` names (unknown: `IvrStepDto`, which refuses it);
 * anything else is left as it is for the validators to refuse. Not class-transformer's discriminator:
 * it throws on a null element, which would answer a hostile body with a 500.
 */
function toSteps(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  // Past the limit the script is refused anyway: one step more than allowed keeps that answer, and a
  // hostile array of thousands costs no more to refuse than a script of 51.
  return value.slice(0, IVR_SCRIPT_MAX_STEPS + 1).map((step: unknown) => {
    if (step === null || typeof step !== 'object' || Array.isArray(step)) return step;
    const action = (step as { action?: unknown }).action;
    const stepClass =
      (typeof action === 'string' && Object.hasOwn(STEP_CLASSES, action) && STEP_CLASSES[action as IvrStepAction]) ||
      IvrStepDto;
    return plainToInstance(stepClass, step);
  });
}
