/**
 * A lightweight SNMP device built on net-snmp's own agent: sysUpTime, ifTable and ifXTable (exact
 * Counter64) for N interfaces, v2c and/or SNMPv3 authPriv, with the misbehaviours the reliability
 * tests need — reboot (sysUpTime back, counters reset), counter wrap, link down/up with traps — and
 * cheap enough to run thousands on 127.x.y.z for the benchmark. Used by tests and bench alike.
 */
import snmp, { type Agent, type Mib, type Session } from 'net-snmp';

export interface SimAgentOptions {
  address: string;
  port: number;
  interfaces: number;
  community?: string;
  v3?: { user: string; authKey: string; privKey: string };
}

const RO = 2; // MaxAccess read-only
const T = snmp.ObjectType;

function u64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, v));
  return b;
}

export class SimAgent {
  private agent?: Agent;
  private mib?: Mib;
  private bootAt = Date.now();
  private readonly inOctets: bigint[];
  private readonly outOctets: bigint[];
  private readonly oper: boolean[];
  private readonly admin: boolean[];

  constructor(readonly opts: SimAgentOptions) {
    this.inOctets = Array.from({ length: opts.interfaces }, () => 0n);
    this.outOctets = Array.from({ length: opts.interfaces }, () => 0n);
    this.oper = Array.from({ length: opts.interfaces }, () => true);
    this.admin = Array.from({ length: opts.interfaces }, () => true);
  }

  ifName(i: number): string {
    return `eth${i}`;
  }

  async start(): Promise<void> {
    const agent = snmp.createAgent({ port: this.opts.port, address: this.opts.address, disableAuthorization: false }, () => undefined);
    const auth = agent.getAuthorizer();
    if (this.opts.community) auth.addCommunity(this.opts.community);
    if (this.opts.v3) {
      auth.addUser({
        name: this.opts.v3.user,
        level: snmp.SecurityLevel.authPriv,
        authProtocol: snmp.AuthProtocols.sha,
        authKey: this.opts.v3.authKey,
        privProtocol: snmp.PrivProtocols.aes,
        privKey: this.opts.v3.privKey,
      });
    }
    const mib = agent.getMib();
    mib.registerProvider({
      name: 'sysUpTime',
      type: snmp.MibProviderType.Scalar,
      oid: '1.3.6.1.2.1.1.3',
      scalarType: T.TimeTicks!,
      maxAccess: RO,
      handler: (req) => {
        mib.setScalarValue('sysUpTime', Math.floor((Date.now() - this.bootAt) / 10) % 2 ** 32);
        req.done();
      },
    });
    // an instance must exist for GetNext/GetBulk to find it (the handler refreshes it per request)
    mib.setScalarValue('sysUpTime', 0);
    mib.registerProvider({
      name: 'ifTable',
      type: snmp.MibProviderType.Table,
      oid: '1.3.6.1.2.1.2.2.1',
      maxAccess: RO,
      tableColumns: [
        { number: 1, name: 'ifIndex', type: T.Integer!, maxAccess: RO },
        { number: 7, name: 'ifAdminStatus', type: T.Integer!, maxAccess: RO },
        { number: 8, name: 'ifOperStatus', type: T.Integer!, maxAccess: RO },
        { number: 14, name: 'ifInErrors', type: T.Counter!, maxAccess: RO },
        { number: 20, name: 'ifOutErrors', type: T.Counter!, maxAccess: RO },
      ],
      tableIndex: [{ columnName: 'ifIndex' }],
    });
    mib.registerProvider({
      name: 'ifXTable',
      type: snmp.MibProviderType.Table,
      oid: '1.3.6.1.2.1.31.1.1.1',
      maxAccess: RO,
      tableColumns: [
        { number: 1, name: 'ifName', type: T.OctetString!, maxAccess: RO },
        { number: 6, name: 'ifHCInOctets', type: T.Counter64!, maxAccess: RO },
        { number: 10, name: 'ifHCOutOctets', type: T.Counter64!, maxAccess: RO },
      ],
      tableAugments: 'ifTable',
    } as never);
    for (let i = 0; i < this.opts.interfaces; i++) {
      mib.addTableRow('ifTable', [i + 1, 1, 1, 0, 0]);
      mib.addTableRow('ifXTable', [i + 1, this.ifName(i), u64(0n), u64(0n)]);
    }
    this.agent = agent;
    this.mib = mib;
  }

  private set(i: number): void {
    const mib = this.mib!;
    mib.setTableSingleCell('ifTable', 7, [i + 1], this.admin[i] ? 1 : 2);
    mib.setTableSingleCell('ifTable', 8, [i + 1], this.oper[i] ? 1 : 2);
    mib.setTableSingleCell('ifXTable', 6, [i + 1], u64(this.inOctets[i]!));
    mib.setTableSingleCell('ifXTable', 10, [i + 1], u64(this.outOctets[i]!));
  }

  setOper(i: number, up: boolean): void {
    this.oper[i] = up;
    this.set(i);
  }

  addTraffic(i: number, inOctets: bigint, outOctets = 0n): void {
    this.inOctets[i] = BigInt.asUintN(64, this.inOctets[i]! + inOctets);
    this.outOctets[i] = BigInt.asUintN(64, this.outOctets[i]! + outOctets);
    this.set(i);
  }

  setCounters(i: number, inOctets: bigint, outOctets: bigint): void {
    this.inOctets[i] = inOctets;
    this.outOctets[i] = outOctets;
    this.set(i);
  }

  /** Agent restart: sysUpTime starts over and every counter is back to zero. */
  reboot(): void {
    this.bootAt = Date.now();
    for (let i = 0; i < this.opts.interfaces; i++) this.setCounters(i, 0n, 0n);
  }

  /** Send linkDown/linkUp for interface i (v2c) to a trap sink, from this agent's address. */
  trap(session: Session, i: number, up: boolean): Promise<void> {
    const varbinds = [
      { oid: `1.3.6.1.2.1.2.2.1.1.${i + 1}`, type: T.Integer!, value: i + 1 },
      { oid: `1.3.6.1.2.1.2.2.1.7.${i + 1}`, type: T.Integer!, value: this.admin[i] ? 1 : 2 },
      { oid: `1.3.6.1.2.1.2.2.1.8.${i + 1}`, type: T.Integer!, value: up ? 1 : 2 },
    ];
    return new Promise((res, rej) => session.trap(up ? '1.3.6.1.6.3.1.1.5.4' : '1.3.6.1.6.3.1.1.5.3', varbinds, (err) => (err ? rej(err) : res())));
  }

  trapSession(sink: { address: string; port: number }): Session {
    return snmp.createSession(sink.address, this.opts.community ?? 'public', {
      version: snmp.Version2c,
      trapPort: sink.port,
      sourceAddress: this.opts.address,
    } as never);
  }

  close(): Promise<void> {
    return new Promise((res) => (this.agent ? this.agent.close(() => res()) : res()));
  }
}
