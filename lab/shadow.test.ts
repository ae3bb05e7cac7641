/**
 * The devices' /etc/shadow, hashed in one openssl run for the whole lab: each line must be the
 * sha512-crypt of that user's own password (checked by hashing again with the line's salt), in the
 * devices' and users' order, and a password openssl cannot take line by line is refused. A redeploy
 * keeps a device's shadow only while its users and passwords are those it was made from.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceShadows, labShadows, type ShadowUser } from './shadow.js';

const rehash = (password: string, salt: string) =>
  execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: `${password}\n` })
    .toString()
    .trim();

describe('deviceShadows', () => {
  it("hashes every device's users in order, root first with a password nobody knows", async () => {
    const devices = [
      [{ name: 'netadmin', password: 'n3t-Admin pass' }],
      [],
      [
        { name: 'netadmin', password: 'other' },
        { name: 'noc-ro', password: 'r0:colon$dollar' },
      ],
    ];
    const shadows = await deviceShadows(devices);
    expect(shadows).toHaveLength(3);
    shadows.forEach((text, i) => {
      const lines = text.trimEnd().split('\n');
      expect(lines.map((l) => l.split(':')[0])).toEqual(['root', ...devices[i]!.map((u) => u.name)]);
      devices[i]!.forEach((u, j) => {
        const hash = lines[j + 1]!.split(':')[1]!;
        expect(hash).toMatch(/^\$6\$/);
        expect(rehash(u.password, hash.split('$')[2]!)).toBe(hash);
      });
    });
    // root's hash differs per device: a random password each
    expect(new Set(shadows.map((t) => t.split(':')[1])).size).toBe(3);
  });

  it('refuses an empty password or one with a line break, without echoing it', async () => {
    await expect(deviceShadows([[{ name: 'a', password: '' }]])).rejects.toThrow(/empty or contains a line break/);
    const err = await deviceShadows([[{ name: 'a', password: 'sec\nret' }]]).catch((e: Error) => e);
    expect(String(err)).not.toMatch(/sec|ret/);
  });
});

describe('labShadows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stx-shadow-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = [0, 1, 2].map((i) => ({ shadow: join(dir, `shadow${i}`), fingerprint: join(dir, `shadow${i}.fp`) }));
  const key = randomBytes(32);
  /** One redeploy: the shadows labShadows gives, written as prepareDevice writes them. */
  const deploy = async (users: ShadowUser[][], k = key) => {
    const out = await labShadows(users, files, k);
    out.forEach((s, i) => {
      writeFileSync(files[i]!.shadow, s.text);
      writeFileSync(files[i]!.fingerprint, `${s.fingerprint}\n`);
    });
    return out;
  };
  const users = [[{ name: 'netadmin', password: 'pw-a' }], [], [{ name: 'noc-ro', password: 'pw-c' }]];

  it('keeps every shadow while nothing changed, and hashes again only the device whose users changed', async () => {
    const first = await deploy(users);
    expect(first.map((s) => s.fresh)).toEqual([true, true, true]);
    const again = await deploy(users);
    expect(again.map((s) => s.fresh)).toEqual([false, false, false]);
    expect(again.map((s) => s.text)).toEqual(first.map((s) => s.text));
    // a new password on device 0, a new user on device 1: those two are made again, device 2 kept
    const changed = [[{ name: 'netadmin', password: 'pw-b' }], [{ name: 'noc-ro', password: 'pw-d' }], users[2]!];
    const next = await deploy(changed);
    expect(next.map((s) => s.fresh)).toEqual([true, true, false]);
    const hash0 = next[0]!.text.split('\n')[1]!.split(':')[1]!;
    expect(rehash('pw-b', hash0.split('$')[2]!)).toBe(hash0);
    expect(next[1]!.text).toMatch(/^root:\$6\$.*\nnoc-ro:\$6\$/);
    expect(next[2]!.text).toBe(first[2]!.text);
    // the fingerprint names no password
    for (const f of files) for (const p of ['pw-a', 'pw-b', 'pw-c', 'pw-d']) expect(readFileSync(f.fingerprint, 'utf8')).not.toContain(p);
  });

  it('makes a shadow again when its fingerprint is missing, edited or made with another key, or the shadow was edited', async () => {
    await deploy(users);
    writeFileSync(files[0]!.fingerprint, '');
    writeFileSync(files[1]!.shadow, 'root:*:20000:0:99999:7:::\nmallory:x:20000:0:99999:7:::\n');
    // same users, one hash edited by hand
    const text2 = readFileSync(files[2]!.shadow, 'utf8');
    writeFileSync(files[2]!.shadow, text2.replace(/^noc-ro:[^:]+:/m, 'noc-ro:$6$x$y:'));
    expect((await deploy(users)).map((s) => s.fresh)).toEqual([true, true, true]);
    expect((await deploy(users, randomBytes(32))).map((s) => s.fresh)).toEqual([true, true, true]);
  });
});
