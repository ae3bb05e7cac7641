import { describe, expect, it } from 'vitest';
import { verbOf } from './main.js';
import { VERBS, loadCommands } from './commands/index.js';

describe('verbOf', () => {
  it('skips global options and their values', () => {
    expect(verbOf(['node', 'stacks', 'synth', '--stack', 'backbone'])).toBe('synth');
    expect(verbOf(['node', 'stacks', '--json', '--state-dir', '/tmp/x', '-i', 'inv', 'deploy', '--auto-approve'])).toBe('deploy');
    expect(verbOf(['node', 'stacks', '--inventory=inv', 'plan'])).toBe('plan');
    expect(verbOf(['node', 'stacks', '--help'])).toBeUndefined();
    expect(verbOf(['node', 'stacks'])).toBeUndefined();
  });

  it('loads one module for a known verb, all of them otherwise, each registering its own verb', async () => {
    expect(await loadCommands('synth')).toHaveLength(1);
    const all = await loadCommands('no-such-verb');
    expect(all).toHaveLength(VERBS.length);
    const { Command } = await import('commander');
    for (const [i, mod] of all.entries()) {
      const program = new Command();
      mod.register(program, () => ({}) as never);
      expect(program.commands.map((c) => c.name())).toEqual([VERBS[i]]);
    }
  });
});
