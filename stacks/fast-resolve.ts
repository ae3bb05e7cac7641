/**
 * cdktf's token resolution, with a fast path for the plain data that makes up most of a stack.
 * cdktf's resolve() walks every value of every element and builds a context (two closures, a
 * prefix array) per value, strings and numbers included, then walks the whole merged stack a second
 * time; for the province's ~9,400 resources that was ~60% of the Terraform half's CPU. Here the
 * walk over plain containers and plain leaves is done directly, building the same fresh objects
 * and arrays resolve() builds (undefined dropped), and every node resolve() treats specially is
 * handed to resolve() itself, unchanged, at that node: a string that may hold a token, an escape
 * (`${`, `}`) or a concatenated token number; a number that encodes a token; an array holding a
 * list token; an object with a map-token key, with a `resolve` method (a token) or that is a
 * construct; a function. Such a node gets exactly the treatment it would have had: its context's
 * inherited flags are all unset (only a token's own resolution sets them, and a token is handed
 * over whole), and the prefix only names paths in errors. fast-resolve.test.ts compares the two on
 * every kind of node; lean-stack.test.ts compares whole stacks of the default province.
 */
import { DefaultTokenResolver, StringConcat, Token, Tokenization } from 'cdktn';
import type { IConstruct } from 'constructs';

const RESOLVER = new DefaultTokenResolver(new StringConcat());
// cdktn's NUMBER_TOKEN_REGEX (tokens/private/encoding.js): concatenated token numbers in a string
const NUMBER_TOKEN = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;
/** Deeper than this, resolve() itself (its cycle guard throws at 200). */
const MAX_DEPTH = 100;

export function fastResolve(scope: IConstruct, obj: unknown): unknown {
  return walk(scope, obj, 0);
}

function slow(scope: IConstruct, obj: unknown): unknown {
  return Tokenization.resolve(obj, { scope, preparing: false, resolver: RESOLVER });
}

const DOUBLE = new Float64Array(1);
const WORDS = new Uint32Array(DOUBLE.buffer);

/** A number that encodes a token, scalar or list (cdktn's DOUBLE_TOKEN_MARKER_BITS, DOUBLE_LIST_TOKEN_MARKER_BITS). */
function tokenNumber(n: number): boolean {
  DOUBLE[0] = n;
  const top = (WORDS[1]! & 0xffff0000) >>> 0;
  return top === 0xfdff0000 || top === 0xfbff0000 || n === Token.NUMBER_MAP_TOKEN_VALUE;
}

function plainString(s: string): boolean {
  return !s.includes('{') && !s.includes('}') && !s.includes('TfToken[') && !NUMBER_TOKEN.test(s);
}

function walk(scope: IConstruct, obj: unknown, depth: number): unknown {
  if (obj === undefined || obj === null || typeof obj === 'boolean') return obj;
  if (typeof obj === 'string') return plainString(obj) ? obj : slow(scope, obj);
  if (typeof obj === 'number') return tokenNumber(obj) ? slow(scope, obj) : obj;
  if (typeof obj !== 'object' || depth > MAX_DEPTH || obj instanceof Date) return slow(scope, obj);
  if (Array.isArray(obj)) {
    // a list token is an element of the array (string or number): resolve() takes the array whole
    for (const x of obj) if ((typeof x === 'string' && !plainString(x)) || (typeof x === 'number' && tokenNumber(x))) return slow(scope, obj);
    const out: unknown[] = [];
    for (const x of obj) {
      const v = walk(scope, x, depth + 1);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
  const record = obj as Record<string, unknown>;
  if (Tokenization.isResolvable(obj) || (record._children !== undefined && record._metadata !== undefined)) return slow(scope, obj);
  const keys = Object.keys(record);
  for (const k of keys) if (!plainString(k)) return slow(scope, obj);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = walk(scope, record[k], depth + 1);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
