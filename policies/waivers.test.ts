import { describe, expect, it } from 'vitest';
import { StacksErrors } from '../lib/errors.js';
import { parseWaivers } from './waivers.js';

const waiver = { rule: 'MLPS-007', resources: ['device:x'], owner: 'noc', reason: 'replacement ordered', expires: '2027-01-31' };

function errorOf(doc: unknown): string {
  try {
    parseWaivers(doc, 'waivers.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(StacksErrors);
    return (err as StacksErrors).errors.map((e) => `${e.file} ${e.path}: ${e.message}`).join('\n');
  }
  throw new Error('parsed');
}

describe('waivers.yaml is strict', () => {
  it('reads a well-formed file', () => {
    expect(parseWaivers({ waivers: [waiver] }, 'waivers.yaml')).toHaveLength(1);
  });

  it('an unknown key in a waiver or at the top level is an error naming the file and the path', () => {
    expect(errorOf({ waivers: [{ ...waiver, expiry: '2027-01-31' }] })).toMatch(/^waivers\.yaml waivers\[0\]: .*expiry/);
    expect(errorOf({ waivers: [waiver], waiver: [] })).toMatch(/^waivers\.yaml \(root\): .*waiver/);
  });
});
