/** Where the ssh target keeps an instance's state and pinned host keys (cheap to import: the registry asks it). */
import { join } from 'node:path';

export const sshStateDir = (stateDir: string, instance: string) => join(stateDir, 'ssh', instance);
export const sshStateFile = (stateDir: string, instance: string) => join(sshStateDir(stateDir, instance), 'state.json');
