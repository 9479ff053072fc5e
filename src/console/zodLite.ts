/**
 * What `zod` is inside the console bundle (scripts/buildConsole.mjs resolves the contract's `import { z } from
 * 'zod'` here): zod/mini, with the chain methods of classic zod the contract is written in. The contract stays the
 * single source — the same files build the same schemas (same core types, checks and messages) — while the bundle
 * carries zod's core and mini (~40 KB) instead of classic zod and every locale (~450 KB), the console's first-paint
 * cost. Each method below is classic zod's own definition (zod/v4/classic/schemas.js) on mini's functions;
 * src/protocol/api/consoleZodParity.test.ts builds every contract schema both ways and compares them. A contract
 * that starts using a method missing here fails at the console's start (and in that test), never silently.
 */
import * as m from 'zod/mini';
import en from 'zod/v4/locales/en.js';

type Schema = m.ZodMiniType & { _zod: { def: { type: string } } };
/** Checks' messages pass through untouched; their types differ per check and matter to classic's callers only. */
type Params = string | undefined;

// Classic zod sets English messages as it loads; mini leaves that to the app. RESPONSE_INVALID quotes them.
m.config(en());

const isNumber = (s: Schema) => s._zod.def.type === 'number';
const methods: Record<string, (this: Schema, ...args: never[]) => unknown> = {
  optional() {
    return m.optional(this);
  },
  nullable() {
    return m.nullable(this);
  },
  nullish() {
    return m.optional(m.nullable(this));
  },
  default(d: never) {
    return m._default(this, d);
  },
  array() {
    return m.array(this);
  },
  or(other: never) {
    return m.union([this, other]);
  },
  refine(fn: never, params: never) {
    return this.check(m.refine(fn, params));
  },
  superRefine(fn: never, params: never) {
    return this.check(m.superRefine(fn, params));
  },
  transform(fn: never) {
    return m.pipe(this, m.transform(fn));
  },
  pipe(target: never) {
    return m.pipe(this, target);
  },
  // Strings and arrays count length; numbers compare values (classic's ZodNumber.min/max are gte/lte).
  min(n: number, params?: Params) {
    return this.check(isNumber(this) ? m.gte(n, params) : m.minLength(n, params));
  },
  max(n: number, params?: Params) {
    return this.check(isNumber(this) ? m.lte(n, params) : m.maxLength(n, params));
  },
  length(n: number, params?: Params) {
    return this.check(m.length(n, params));
  },
  regex(re: RegExp, params?: Params) {
    return this.check(m.regex(re, params));
  },
  int(params?: Params) {
    return this.check(m.int(params));
  },
  positive(params?: Params) {
    return this.check(m.gt(0, params));
  },
  nonnegative(params?: Params) {
    return this.check(m.gte(0, params));
  },
  finite() {
    return this;
  },
  extend(shape: never) {
    return m.extend(this as never, shape);
  },
  strict() {
    return this.clone(m.util.mergeDefs(this._zod.def, { catchall: m.never() }) as never);
  },
};
// zod binds what is on a constructor's prototype to each instance it builds ("support prototype modifications").
Object.assign(m.ZodMiniType.prototype, methods);

/** The constructors the contract calls; anything else is undefined, and the contract module fails as it loads. */
export const z = {
  array: m.array,
  boolean: m.boolean,
  discriminatedUnion: m.discriminatedUnion,
  enum: m.enum,
  literal: m.literal,
  looseObject: m.looseObject,
  number: m.number,
  object: m.object,
  record: m.record,
  strictObject: m.strictObject,
  string: m.string,
  union: m.union,
  unknown: m.unknown,
  null: m.null,
  any: m.any,
  tuple: m.tuple,
};
