/**
 * The devices' /etc/shadow, hashed in one openssl run for the whole lab: each line must be the
 * sha512-crypt of that user's own password (checked by hashing again with the line's salt), in the
 * devices' and users' order, and a password openssl cannot take line by line is refused.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { deviceShadows } from './daemons.js';

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
