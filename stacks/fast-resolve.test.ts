import { describe, expect, it } from 'vitest';
import { App, DefaultTokenResolver, Fn, Lazy, StringConcat, TerraformStack, TerraformVariable, Token, Tokenization } from 'cdktn';
import { fastResolve } from './fast-resolve.js';

/** Each kind of node resolve() treats specially, beside the plain data around it. */
function samples() {
  const app = new App({ outdir: '/tmp/unused', stackTraces: false });
  const stack = new TerraformStack(app, 's');
  const v = new TerraformVariable(stack, 'v', { type: 'string' });
  const list = new TerraformVariable(stack, 'l', { type: 'list(string)' });
  const n = new TerraformVariable(stack, 'n', { type: 'number' });
  const values: Record<string, unknown> = {
    plain: { a: 1, b: 'x', c: [true, null, 'y', 2.5], d: { e: {} }, f: [] },
    undefinedDropped: { a: undefined, b: [1, undefined, 2], c: { d: undefined } },
    stringToken: `prefix-${v.stringValue}-suffix`,
    onlyToken: v.stringValue,
    numberToken: n.numberValue,
    numberInString: `n=${Token.asString(n.numberValue)}`,
    listToken: list.listValue,
    listInArray: [...list.listValue],
    listElement: Fn.element(list.listValue, 0),
    lazyString: Lazy.stringValue({ produce: () => 'lazy' }),
    lazyAny: Lazy.anyValue({ produce: () => ({ k: [1, v.stringValue, undefined] }) }),
    lazyList: Lazy.listValue({ produce: () => ['a', 'b'] }),
    lazyNumber: Lazy.numberValue({ produce: () => 42 }),
    mapToken: Token.asStringMap(Lazy.anyValue({ produce: () => ({ x: 'y' }) })),
    mapKey: { [Token.asString(Lazy.stringValue({ produce: () => 'key' }))]: 'value' },
    escapes: { a: '${literal}', b: 'brace } only', c: '{ open', d: '$${double}' },
    numberLike: { v6: 'fe80::1e3', exp: '1e5', sci: '-1.5e+10', ipv4: '10.0.0.1/24' },
    fn: Fn.join(',', list.listValue),
    nested: { deep: [{ deeper: [{ value: v.stringValue, n: n.numberValue }] }] },
    date: new Date(0),
    bigNumbers: [Number.MAX_SAFE_INTEGER, -0, 1e300, Number.MIN_VALUE],
  };
  return { stack, values };
}

describe('fastResolve', () => {
  it('gives what cdktn resolve() gives for every kind of node and for all of them together', () => {
    const { stack, values } = samples();
    const resolve = (x: unknown) => Tokenization.resolve(x, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
    for (const [name, value] of Object.entries(values)) expect(JSON.stringify(fastResolve(stack, value)), name).toBe(JSON.stringify(resolve(value)));
    expect(fastResolve(stack, values)).toEqual(resolve(values));
  });

  it('returns fresh containers, as resolve() does, so merging into the result never changes the input', () => {
    const { stack } = samples();
    const input = { a: { b: [1, 2] } };
    const out = fastResolve(stack, input) as typeof input;
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    expect(out.a).not.toBe(input.a);
    expect(out.a.b).not.toBe(input.a.b);
  });

  it('fails where resolve() fails (a function is not data)', () => {
    const { stack } = samples();
    expect(() => fastResolve(stack, { f: () => 1 })).toThrow();
  });
});
