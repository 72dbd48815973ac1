import 'reflect-metadata';
import { NULLABLE_FIELD } from '@callfleet/contracts';
import { getMetadataStorage } from 'class-validator';

/** The part of JSON Schema the fleet's documents use. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  allOf?: JsonSchema[];
  description?: string;
  'x-parser-schema-id'?: string;
}

/** What a contract class promises about its fields, written the way JSON Schema says it. */
export interface ClassRules {
  properties: Record<string, JsonSchema>;
  required: string[];
}

type Constraint = (rules: JsonSchema, args: unknown[]) => void;

/**
 * class-validator decorators and the JSON Schema keywords that say the same. A decorator missing
 * here makes `validationRulesOf` throw, so a new kind of rule cannot slip past the document check.
 */
const CONSTRAINTS: Record<string, Constraint> = {
  isString: (r) => {
    r.type = 'string';
  },
  isInt: (r) => {
    r.type = 'integer';
  },
  isNumber: (r) => {
    r.type = 'number';
  },
  isBoolean: (r) => {
    r.type = 'boolean';
  },
  isObject: (r) => {
    r.type = 'object';
  },
  isArray: (r) => {
    r.type = 'array';
  },
  isEmail: (r) => {
    r.format = 'email';
  },
  isUrl: (r) => {
    r.format = 'uri';
  },
  isIso8601: (r) => {
    r.format = 'date-time';
  },
  isUuid: (r) => {
    r.format = 'uuid';
  },
  isLength: (r, [min, max]) => {
    r.minLength = min as number;
    if (max !== undefined) r.maxLength = max as number;
  },
  minLength: (r, [min]) => {
    r.minLength = min as number;
  },
  maxLength: (r, [max]) => {
    r.maxLength = max as number;
  },
  // JSON Schema patterns have no flags: a flagged regex (`/…/i`) is written out by hand in the
  // document, and the examples check (real validator against real document) covers it.
  matches: (r, [regex]) => {
    if (regex instanceof RegExp && regex.flags === '') r.pattern = regex.source;
  },
  isIn: (r, [values]) => {
    r.enum = [...(values as unknown[])];
  },
  min: (r, [min]) => {
    r.minimum = min as number;
  },
  max: (r, [max]) => {
    r.maximum = max as number;
  },
  isPositive: (r) => {
    r.exclusiveMinimum = 0;
  },
  arrayMaxSize: (r, [max]) => {
    r.maxItems = max as number;
  },
  arrayMinSize: (r, [min]) => {
    r.minItems = min as number;
  },
  arrayUnique: (r) => {
    r.uniqueItems = true;
  },
};

/**
 * The JSON Schema rules a class's class-validator decorators amount to: its fields, which are
 * required (no @IsOptional / @ValidateIf), and each field's type, format, lengths, pattern, enum and
 * bounds. Nested classes (@ValidateNested) are checked as classes of their own.
 */
export function validationRulesOf(target: abstract new (...args: never[]) => unknown): ClassRules {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  const properties: Record<string, JsonSchema> = {};
  const optional = new Set<string>();
  for (const m of metadata) {
    properties[m.propertyName] ??= {};
    const rules = properties[m.propertyName];
    if (m.type === 'conditionalValidation') {
      // @Nullable(): required, and null is one of its values; any other condition makes it optional.
      if (!Reflect.getMetadata(NULLABLE_FIELD, target.prototype, m.propertyName)) optional.add(m.propertyName);
      continue;
    }
    if (m.type === 'nestedValidation') continue;
    const apply = m.name ? CONSTRAINTS[m.name] : undefined;
    if (!apply) throw new Error(`${target.name}.${m.propertyName}: no JSON Schema mapping for @${m.name ?? m.type}`);
    if (m.each) {
      rules.items ??= {};
      apply(rules.items, m.constraints ?? []);
    } else {
      apply(rules, m.constraints ?? []);
    }
  }
  for (const [name, rules] of Object.entries(properties)) {
    if (Reflect.getMetadata(NULLABLE_FIELD, target.prototype, name) && typeof rules.type === 'string') {
      rules.type = [rules.type, 'null'];
    }
  }
  const required = Object.keys(properties).filter((name) => !optional.has(name));
  return { properties, required };
}

interface ApiPropertyMetadata {
  required?: boolean;
  enum?: unknown[];
  /** Arrays keep their item enum here. */
  items?: { enum?: unknown[] };
}

/**
 * The fields of a reply class as its @ApiProperty decorators declare them (reply classes carry no
 * validators): names, which are required, and enums (on the items for arrays).
 */
export function apiPropertiesOf(target: abstract new (...args: never[]) => unknown): ClassRules {
  const names: string[] = Reflect.getMetadata('swagger/apiModelPropertiesArray', target.prototype) ?? [];
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const name of names.map((n) => n.replace(/^:/, ''))) {
    const meta: ApiPropertyMetadata =
      Reflect.getMetadata('swagger/apiModelProperties', target.prototype, name) ?? ({} as ApiPropertyMetadata);
    const rules: JsonSchema = {};
    if (meta.enum) rules.enum = [...meta.enum];
    if (meta.items?.enum) rules.items = { enum: [...meta.items.enum] };
    properties[name] = rules;
    if (meta.required !== false) required.push(name);
  }
  return { properties, required };
}

/** True when class-validator or @nestjs/swagger knows the class, i.e. it is a contract class. */
export function isContractClass(value: unknown): value is abstract new (...args: never[]) => unknown {
  if (typeof value !== 'function' || !value.prototype) return false;
  const target = value as abstract new (...args: never[]) => unknown;
  return (
    getMetadataStorage().getTargetValidationMetadatas(target, '', true, false).length > 0 ||
    Reflect.hasMetadata('swagger/apiModelPropertiesArray', target.prototype)
  );
}

/** One object schema out of an `allOf` chain: properties and required lists merged, the rest from the top. */
export function flattenSchema(schema: JsonSchema): JsonSchema {
  const parts = (schema.allOf ?? []).map(flattenSchema);
  const { allOf: _allOf, ...own } = schema;
  const merged: JsonSchema = { ...own, properties: { ...own.properties }, required: [...(own.required ?? [])] };
  for (const part of parts) {
    Object.assign(merged.properties as Record<string, JsonSchema>, part.properties);
    merged.required = [...new Set([...(merged.required ?? []), ...(part.required ?? [])])];
    if (merged.type === undefined && part.type !== undefined) merged.type = part.type;
  }
  return merged;
}
