import { definePolicy, type Violation } from '../types.js';

/** NET-142: both ends of every tiered circuit apply the tier's QoS policy, at the tier's rate. */
export const qosOnEveryUplink = definePolicy({
  id: 'NET-142',
  title: "every uplink circuit carries its tier's QoS policy",
  severity: 'hard',
  description:
    "The plan pays for each tier's circuits (省到市双10G, 市到县双2G, 县到乡双200M): when one is full, real-time video (公共安全视频图像共享交换), interactive government services and bulk transfer keep the shares of the DSCP class table (qos.yaml). Each end of each uplink circuit shapes to the tier rate and applies the tier's policy outbound.",
  requires: ['topology'],
  check({ topology }) {
    const out: Violation[] = [];
    const policies = new Map((topology.qos ?? []).map((p) => [p.name, p]));
    const devices = new Map(topology.devices.map((d) => [d.id, d]));
    for (const l of topology.links) {
      if (l.kind !== 'uplink') continue;
      const resource = `link:${l.id}`;
      const wanted = (topology.qos ?? []).find((p) => p.tier === l.tier);
      if (!wanted) {
        out.push({ resource, message: `tier ${l.tier} has no QoS policy (qos.yaml missing or the tier has no classes)` });
        continue;
      }
      if (wanted.rateMbps !== l.bandwidthMbps)
        out.push({ resource, message: `policy ${wanted.name} shapes to ${wanted.rateMbps} Mbps, the circuit is ${l.bandwidthMbps} Mbps` });
      for (const end of [l.a, l.b]) {
        const iface = devices.get(end.device)?.interfaces.find((i) => i.name === end.interface);
        if (!iface?.qos) out.push({ resource, message: `${end.device} ${end.interface} applies no QoS policy` });
        else if (iface.qos !== wanted.name) out.push({ resource, message: `${end.device} ${end.interface} applies ${iface.qos}, not ${wanted.name}` });
        else if (!policies.has(iface.qos)) out.push({ resource, message: `${end.device} ${end.interface} names policy ${iface.qos}, which is not defined` });
      }
    }
    return out;
  },
});
