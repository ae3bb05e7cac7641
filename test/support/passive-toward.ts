/**
 * A change that silences OSPF toward one device: on each of `routers`, the interface whose link
 * ends on `target` turns passive in both families. The atomic tests use it to cut a township off
 * only when both of its county routers make the change.
 */
interface LinkEnd {
  device: string;
  interface: string;
}

/** Each of `routers`' interfaces whose link ends on `target`, by router. */
export function interfacesToward(links: readonly { a: LinkEnd; b: LinkEnd }[], target: string, routers: readonly string[]): Map<string, string> {
  const towards = new Map<string, string>();
  for (const l of links)
    for (const [me, other] of [
      [l.a, l.b],
      [l.b, l.a],
    ] as const)
      if (other.device === target && routers.includes(me.device)) towards.set(me.device, me.interface);
  return towards;
}

/** `config` (FRR) with `iface` passive for OSPFv2 and OSPFv3; unchanged when `iface` is undefined. */
export function passiveOn(config: string, iface: string | undefined): string {
  return iface ? config.replace(`interface ${iface}\n`, `interface ${iface}\n ip ospf passive\n ipv6 ospf6 passive\n`) : config;
}
