import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsDivisibleBy,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsPositive,
  IsString,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { apiPropertiesOf, flattenSchema, isContractClass, validationRulesOf } from './contract-rules';

class Sample {
  @IsEmail()
  email: string;

  @IsOptional()
  @IsString()
  @Length(2, 10)
  nickname?: string;

  @ValidateIf((s: Sample) => s.kind === 'b')
  @IsIn(['a', 'b'])
  kind?: string;

  @IsInt()
  @IsPositive()
  count: number;

  @IsArray()
  @ArrayMaxSize(3)
  @Matches(/^x+$/, { each: true })
  tags: string[];

  @Matches(/^[a-f]+$/i)
  hex: string;
}

class Reply {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['x', 'y'], isArray: true }) letters: string[];
  @ApiPropertyOptional() note: string | null;
}

describe('validationRulesOf', () => {
  it('says in JSON Schema what the decorators demand', () => {
    const rules = validationRulesOf(Sample);
    expect(rules.required.sort()).toEqual(['count', 'email', 'hex', 'tags']);
    expect(rules.properties).toEqual({
      email: { format: 'email' },
      nickname: { type: 'string', minLength: 2, maxLength: 10 },
      kind: { enum: ['a', 'b'] },
      count: { type: 'integer', exclusiveMinimum: 0 },
      tags: { type: 'array', maxItems: 3, items: { pattern: '^x+$' } },
      // A flagged regex has no JSON Schema spelling; the document writes it out by hand.
      hex: {},
    });
  });

  it('refuses a decorator it cannot translate, instead of passing it silently', () => {
    class Odd {
      @IsDivisibleBy(2) n: number;
    }
    expect(() => validationRulesOf(Odd)).toThrow('Odd.n: no JSON Schema mapping for @isDivisibleBy');
  });
});

describe('apiPropertiesOf', () => {
  it('reads names, required fields and enums of a reply class', () => {
    expect(apiPropertiesOf(Reply)).toEqual({
      properties: { id: {}, letters: { items: { enum: ['x', 'y'] } }, note: {} },
      required: ['id', 'letters'],
    });
  });
});

describe('isContractClass', () => {
  it('knows contract classes from other values', () => {
    expect(isContractClass(Sample)).toBe(true);
    expect(isContractClass(Reply)).toBe(true);
    expect(isContractClass(class Plain {})).toBe(false);
    expect(isContractClass(() => 1)).toBe(false);
    expect(isContractClass('Sample')).toBe(false);
  });
});

describe('flattenSchema', () => {
  it('merges an allOf chain into one object schema', () => {
    const flat = flattenSchema({
      allOf: [
        { type: 'object', required: ['a'], properties: { a: { type: 'string' } } },
        { allOf: [{ required: ['b'], properties: { b: { type: 'integer' } } }] },
      ],
      properties: { c: { type: 'boolean' } },
    });
    expect(flat.type).toBe('object');
    expect(Object.keys(flat.properties ?? {}).sort()).toEqual(['a', 'b', 'c']);
    expect(flat.required?.sort()).toEqual(['a', 'b']);
  });
});
