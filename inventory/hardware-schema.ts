/**
 * hardware.yaml: which router model each device role uses (per site level where they differ) and
 * the physical ports each model has, as cards in VRP numbering `<type><slot>/<subcard>/<port>`.
 * synth gives every used interface one of these ports and records it in the IPAM ledger beside
 * the addresses (network/ports.ts); the ports no link uses are rendered `shutdown`.
 */
import { z } from 'zod';

/** VRP port types, slowest first (network/render/vrp-names.ts vrpPortType picks one per circuit rate). */
const PORT_TYPES = ['GigabitEthernet', 'XGigabitEthernet', '25GE', '40GE', '100GE'] as const;

const modelName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a model name of letters, digits, ".", "_" and "-"');
const level = z.enum(['province', 'city', 'county', 'township', 'department', 'datacenter']);

const card = z.strictObject({
  slot: z.number().int().min(0).max(31),
  subcard: z.number().int().min(0).max(7).default(0),
  type: z.enum(PORT_TYPES),
  ports: z.number().int().min(1).max(96),
});

const roleModels = z.strictObject({
  /** The model of this role wherever `levels` names no other. */
  model: modelName,
  levels: z.partialRecord(level, modelName).optional(),
});

export const hardwareSchema = z
  .strictObject({
    $comment: z.string().optional(),
    models: z.record(
      modelName,
      z.strictObject({
        description: z.string().optional(),
        cards: z.array(card).min(1),
      }),
    ),
    roles: z.strictObject({ core: roleModels, access: roleModels, exit: roleModels }),
  })
  .superRefine((hw, ctx) => {
    for (const [name, m] of Object.entries(hw.models)) {
      const seen = new Map<string, number>();
      m.cards.forEach((c, i) => {
        const at = `${c.slot}/${c.subcard}`;
        const first = seen.get(at);
        if (first !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['models', name, 'cards', i],
            message: `a second card in slot ${c.slot} subcard ${c.subcard} (also cards[${first}])`,
          });
        else seen.set(at, i);
      });
    }
    for (const [role, r] of Object.entries(hw.roles)) {
      const refs: Array<[Array<string>, string]> = [[['roles', role, 'model'], r.model]];
      for (const [lvl, m] of Object.entries(r.levels ?? {})) if (m) refs.push([['roles', role, 'levels', lvl], m]);
      for (const [path, m] of refs)
        if (!hw.models[m]) ctx.addIssue({ code: 'custom', path, message: `no model "${m}" under models (known: ${Object.keys(hw.models).join(', ')})` });
    }
  });
export type HardwareFile = z.infer<typeof hardwareSchema>;
export type HardwareCard = HardwareFile['models'][string]['cards'][number];
