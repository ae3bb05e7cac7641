/**
 * Check synthesized Terraform JSON against the OpenStack provider schema file, exactly as
 * stacks/schema/README.md ("How a test uses it") says: for every `resource.<type>.<name>` body and
 * every `provider.openstack` body —
 *  1. the type is known;
 *  2. every key is an attribute, a block or a meta-argument;
 *  3. no computed-only attribute is set;
 *  4. every required attribute (and every block with min_items > 0) is present;
 *  5. blocks are shaped as Terraform JSON expects (single → object; list/set → array of objects or
 *     one object; at most max_items; keys inside checked the same way), primitive lists/sets are
 *     arrays, maps are objects, and a `"${...}"` string stands for any type;
 *  6. (strict, on by default) enum values, exactly_one_of, at_least_one_of, conflicts_with and
 *     required_with.
 * Returns every violation found (empty: valid). Pure; the schema is plain data.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface AttributeSpec {
  type: 'string' | 'number' | 'bool' | 'list' | 'set' | 'map';
  elem?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  enum?: string[];
  elem_enum?: string[];
  enum_ignore_case?: boolean;
  conflicts_with?: string[];
  exactly_one_of?: string[];
  at_least_one_of?: string[];
  required_with?: string[];
  env?: string[];
}

interface BlockSpec {
  nesting: 'list' | 'set' | 'single';
  max_items?: number | null;
  min_items?: number;
  attributes: Record<string, AttributeSpec>;
}

interface ResourceSpec {
  file?: string;
  attributes: Record<string, AttributeSpec>;
  blocks: Record<string, BlockSpec>;
}

export interface ProviderSchema {
  version?: string;
  latest_release?: string;
  provider: { attributes: Record<string, AttributeSpec>; blocks: Record<string, BlockSpec> };
  resources: Record<string, ResourceSpec>;
}

type ViolationRule =
  | 'unknown-type'
  | 'unknown-attribute'
  | 'computed-only'
  | 'missing-required'
  | 'missing-block'
  | 'block-shape'
  | 'too-many-blocks'
  | 'value-shape'
  | 'enum'
  | 'exactly-one-of'
  | 'at-least-one-of'
  | 'conflicts-with'
  | 'required-with';

export interface SchemaViolation {
  /** `resource.openstack_networking_network_v2.extranet` or `provider.openstack[0]`. */
  address: string;
  /** Path inside the body, e.g. `segments[0].network_type`; empty for the body itself. */
  path: string;
  rule: ViolationRule;
  message: string;
}

const RESOURCE_META_ARGUMENTS = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'connection', 'provisioner']);
const PROVIDER_META_ARGUMENTS = new Set(['alias', 'version']);
/** Terraform JSON ignores a property named "//" (its comment syntax); cdktf puts construct metadata there. */
const JSON_COMMENT = '//';

/** The schema copy kept in the repository (stacks/schema/). */
const DEFAULT_SCHEMA_FILE = join(
  dirname(fileURLToPath(import.meta.url)).replace(/[\\/]dist[\\/]test[\\/]support$/, '/test/support'),
  '..',
  '..',
  'stacks',
  'schema',
  'openstack-provider.schema.json',
);

let cached: ProviderSchema | undefined;
export function loadProviderSchema(file: string = DEFAULT_SCHEMA_FILE): ProviderSchema {
  if (file === DEFAULT_SCHEMA_FILE && cached) return cached;
  const schema = JSON.parse(readFileSync(file, 'utf8')) as ProviderSchema;
  if (file === DEFAULT_SCHEMA_FILE) cached = schema;
  return schema;
}

export interface CheckOptions {
  /** Step 6 (enum and cross-attribute rules); default true. */
  strict?: boolean;
}

/** Check one synthesized Terraform JSON document (a `cdk.tf.json`). */
export function checkTerraformJson(doc: unknown, schema: ProviderSchema, opts: CheckOptions = {}): SchemaViolation[] {
  const strict = opts.strict ?? true;
  const out: SchemaViolation[] = [];
  if (!isObject(doc)) return [{ address: '(document)', path: '', rule: 'value-shape', message: 'a Terraform JSON document is an object' }];
  const resources = doc.resource;
  if (resources !== undefined) {
    if (!isObject(resources)) out.push({ address: 'resource', path: '', rule: 'value-shape', message: '`resource` is an object of types' });
    else
      for (const [type, byName] of Object.entries(resources)) {
        if (!type.startsWith('openstack_')) continue; // other providers are not ours to check
        const spec = schema.resources[type];
        if (!isObject(byName)) {
          out.push({ address: `resource.${type}`, path: '', rule: 'value-shape', message: 'resources of a type are an object keyed by name' });
          continue;
        }
        for (const [name, body] of Object.entries(byName)) {
          const address = `resource.${type}.${name}`;
          if (!spec) {
            out.push({ address, path: '', rule: 'unknown-type', message: `unknown resource type "${type}"` });
            continue;
          }
          checkBody(body, spec.attributes, spec.blocks, RESOURCE_META_ARGUMENTS, address, '', strict, out);
        }
      }
  }
  const providers = isObject(doc.provider) ? doc.provider.openstack : undefined;
  if (providers !== undefined) {
    const list = Array.isArray(providers) ? providers : [providers];
    list.forEach((body, i) =>
      checkBody(body, schema.provider.attributes, schema.provider.blocks, PROVIDER_META_ARGUMENTS, `provider.openstack[${i}]`, '', strict, out),
    );
  }
  return out;
}

function checkBody(
  body: unknown,
  attributes: Record<string, AttributeSpec>,
  blocks: Record<string, BlockSpec>,
  meta: ReadonlySet<string>,
  address: string,
  prefix: string,
  strict: boolean,
  out: SchemaViolation[],
): void {
  const at = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (!isObject(body)) {
    out.push({ address, path: prefix, rule: 'block-shape', message: 'expected an object' });
    return;
  }
  for (const [key, value] of Object.entries(body)) {
    if (meta.has(key) || (key === JSON_COMMENT && prefix === '')) continue;
    const attr = attributes[key];
    const block = blocks[key];
    if (attr) {
      if (attr.computed && !attr.optional && !attr.required)
        out.push({ address, path: at(key), rule: 'computed-only', message: `"${key}" is computed only and cannot be set` });
      checkValue(value, attr, address, at(key), strict, out);
    } else if (block) {
      checkBlock(value, block, key, address, at(key), strict, out);
    } else {
      out.push({ address, path: at(key), rule: 'unknown-attribute', message: `unknown attribute or block "${key}"` });
    }
  }
  for (const [key, attr] of Object.entries(attributes)) {
    if (attr.required && !(key in body)) out.push({ address, path: at(key), rule: 'missing-required', message: `required attribute "${key}" is missing` });
  }
  for (const [key, block] of Object.entries(blocks)) {
    if ((block.min_items ?? 0) > 0 && !(key in body))
      out.push({ address, path: at(key), rule: 'missing-block', message: `block "${key}" needs at least ${block.min_items}` });
  }
  if (strict) checkRelations(body, attributes, address, prefix, out);
}

function checkBlock(value: unknown, block: BlockSpec, key: string, address: string, path: string, strict: boolean, out: SchemaViolation[]): void {
  if (block.nesting === 'single') {
    if (!isObject(value)) {
      out.push({ address, path, rule: 'block-shape', message: `block "${key}" (single) must be a JSON object` });
      return;
    }
    checkBody(value, block.attributes, {}, new Set(), address, path, strict, out);
    return;
  }
  const items = Array.isArray(value) ? value : isObject(value) ? [value] : undefined;
  if (!items) {
    out.push({ address, path, rule: 'block-shape', message: `block "${key}" (${block.nesting}) must be an array of objects` });
    return;
  }
  if (block.max_items && items.length > block.max_items) {
    out.push({ address, path, rule: 'too-many-blocks', message: `block "${key}" allows at most ${block.max_items}, got ${items.length}` });
  }
  if (block.min_items && items.length < block.min_items) {
    out.push({ address, path, rule: 'missing-block', message: `block "${key}" needs at least ${block.min_items}, got ${items.length}` });
  }
  items.forEach((item, i) => {
    if (!isObject(item)) out.push({ address, path: `${path}[${i}]`, rule: 'block-shape', message: `each "${key}" block must be a JSON object` });
    else checkBody(item, block.attributes, {}, new Set(), address, Array.isArray(value) ? `${path}[${i}]` : path, strict, out);
  });
}

const isInterpolation = (v: unknown) => typeof v === 'string' && v.includes('${');

function checkValue(value: unknown, attr: AttributeSpec, address: string, path: string, strict: boolean, out: SchemaViolation[]): void {
  if (isInterpolation(value)) return;
  const bad = (expected: string): void => {
    out.push({ address, path, rule: 'value-shape', message: `expected ${expected}, got ${describe(value)}` });
  };
  switch (attr.type) {
    case 'string':
    case 'number':
    case 'bool':
      if (!primitiveOk(value, attr.type)) return bad(attr.type);
      if (strict && attr.enum && typeof value === 'string' && !inEnum(value, attr.enum, attr.enum_ignore_case)) {
        out.push({ address, path, rule: 'enum', message: `"${value}" is not one of ${attr.enum.join(', ')}` });
      }
      return;
    case 'list':
    case 'set':
      if (!Array.isArray(value)) return bad(`a JSON array (${attr.type})`);
      value.forEach((v, i) => {
        if (isInterpolation(v)) return;
        if (attr.elem && attr.elem !== 'object' && !primitiveOk(v, attr.elem))
          out.push({ address, path: `${path}[${i}]`, rule: 'value-shape', message: `expected ${attr.elem}, got ${describe(v)}` });
        else if (strict && attr.elem_enum && typeof v === 'string' && !inEnum(v, attr.elem_enum, attr.enum_ignore_case)) {
          out.push({ address, path: `${path}[${i}]`, rule: 'enum', message: `"${v}" is not one of ${attr.elem_enum.join(', ')}` });
        }
      });
      return;
    case 'map':
      if (!isObject(value)) return bad('a JSON object (map)');
      for (const [k, v] of Object.entries(value)) {
        if (!isInterpolation(v) && attr.elem && !primitiveOk(v, attr.elem))
          out.push({ address, path: `${path}.${k}`, rule: 'value-shape', message: `expected ${attr.elem}, got ${describe(v)}` });
      }
      return;
  }
}

function checkRelations(
  body: Record<string, unknown>,
  attributes: Record<string, AttributeSpec>,
  address: string,
  prefix: string,
  out: SchemaViolation[],
): void {
  const at = (key: string) => (prefix ? `${prefix}.${key}` : key);
  const has = (k: string) => body[k] !== undefined && body[k] !== null;
  const seenGroups = new Set<string>();
  for (const [key, attr] of Object.entries(attributes)) {
    if (attr.exactly_one_of && !seenGroups.has(`x:${attr.exactly_one_of.join(',')}`)) {
      seenGroups.add(`x:${attr.exactly_one_of.join(',')}`);
      const set = attr.exactly_one_of.filter(has);
      if (set.length !== 1)
        out.push({
          address,
          path: prefix,
          rule: 'exactly-one-of',
          message: `exactly one of ${attr.exactly_one_of.join(', ')} must be set (got ${set.length ? set.join(', ') : 'none'})`,
        });
    }
    if (attr.at_least_one_of && !seenGroups.has(`a:${attr.at_least_one_of.join(',')}`)) {
      seenGroups.add(`a:${attr.at_least_one_of.join(',')}`);
      if (!attr.at_least_one_of.some(has))
        out.push({ address, path: prefix, rule: 'at-least-one-of', message: `at least one of ${attr.at_least_one_of.join(', ')} must be set` });
    }
    if (!has(key)) continue;
    for (const other of attr.conflicts_with ?? []) {
      // report a conflicting pair once
      if (has(other) && key < other) out.push({ address, path: at(key), rule: 'conflicts-with', message: `"${key}" conflicts with "${other}"` });
      else if (has(other) && !attributes[other]?.conflicts_with?.includes(key))
        out.push({ address, path: at(key), rule: 'conflicts-with', message: `"${key}" conflicts with "${other}"` });
    }
    for (const other of attr.required_with ?? []) {
      if (!has(other)) out.push({ address, path: at(key), rule: 'required-with', message: `"${key}" needs "${other}" to be set too` });
    }
  }
}

function primitiveOk(v: unknown, type: string): boolean {
  if (type === 'string') return typeof v === 'string';
  if (type === 'number') return typeof v === 'number' && Number.isFinite(v);
  if (type === 'bool') return typeof v === 'boolean';
  return true;
}

function inEnum(v: string, values: string[], ignoreCase?: boolean): boolean {
  return ignoreCase ? values.some((x) => x.toLowerCase() === v.toLowerCase()) : values.includes(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}
