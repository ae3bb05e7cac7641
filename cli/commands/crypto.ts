/** `stacks crypto`: the GB/T 39786-2021 view — per link, tunnel, store (the files of --state-dir) and management channel, GM or not. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandModule } from '../main.js';
import { emit, type GlobalOptions } from '../context.js';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { gmView, renderGmText } from '../../policies/gm/view.js';
import { readTerraformDocs, synthTerraformDocs } from '../policy-inputs.js';
import { readStateStores } from '../state-stores.js';

export const cryptoCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    program
      .command('crypto')
      .description(
        'GB/T 39786-2021 view: which links, tunnels (the DR IPsec proposals), stores and management channels use GM algorithms (SM2/SM3/SM4) and which do not',
      )
      .option('--synth-dir <dir>', 'read the Terraform JSON from this synth output instead of synthesizing it')
      .action(async (opts: { synthDir?: string }) => {
        const g = globals();
        const inventory = await loadInventory(g.inventory);
        const terraformJson = opts.synthDir ? readTerraformDocs(resolve(opts.synthDir)) : await synthTerraformDocs(inventory);
        const stateDir = resolve(g.stateDir);
        const stores = existsSync(stateDir) ? readStateStores(stateDir) : [];
        const rows = gmView({ topology: buildTopology(inventory), terraformJson, stores });
        emit(g, rows, () => renderGmText(rows));
      });
  },
};
