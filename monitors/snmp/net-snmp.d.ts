/**
 * The part of net-snmp's (untyped, CommonJS) API the monitors use. Kept narrow on purpose: every
 * call site goes through monitors/snmp/, so a library swap touches one folder.
 */
declare module 'net-snmp' {
  import type { EventEmitter } from 'node:events';

  export interface Varbind {
    oid: string;
    type: number;
    value: unknown;
  }
  export interface SessionOptions {
    port?: number;
    retries?: number;
    timeout?: number;
    backoff?: number;
    transport?: 'udp4' | 'udp6';
    trapPort?: number;
    version?: number;
    idBitsSize?: 16 | 32;
    engineID?: string;
    context?: string;
  }
  export interface V3User {
    name: string;
    level: number;
    authProtocol?: number;
    authKey?: string;
    privProtocol?: number;
    privKey?: string;
  }
  export interface Session extends EventEmitter {
    get(oids: string[], cb: (error: Error | null, varbinds?: Varbind[]) => void): void;
    getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number, cb: (error: Error | null, varbinds?: Array<Varbind | Varbind[]>) => void): void;
    trap(typeOrOid: number | string, varbinds: Varbind[], cb: (error: Error | null) => void): void;
    trap(typeOrOid: number | string, varbinds: Varbind[], agentAddr: string, cb: (error: Error | null) => void): void;
    close(): void;
  }
  export interface Notification {
    pdu: { type: number; id: number; varbinds: Varbind[]; scoped?: boolean; user?: string; community?: string };
    rinfo: { address: string; family: string; port: number; size: number };
  }
  export interface Authorizer {
    addCommunity(community: string): void;
    addUser(user: V3User): void;
  }
  export interface Receiver {
    getAuthorizer(): Authorizer;
    close(cb?: () => void): void;
  }
  export interface ReceiverOptions {
    port?: number;
    address?: string | null;
    transport?: 'udp4' | 'udp6';
    /** Several listening sockets instead of port/address/transport (net-snmp's Listener). */
    sockets?: Array<{ port: number; address: string; transport: 'udp4' | 'udp6' }>;
    disableAuthorization?: boolean;
    includeAuthentication?: boolean;
    engineID?: string;
  }
  export interface ScalarProvider {
    name: string;
    type: number;
    oid: string;
    scalarType: number;
    maxAccess: number;
    handler?: (mibRequest: { done(): void }) => void;
  }
  export interface TableColumn {
    number: number;
    name: string;
    type: number;
    maxAccess?: number;
  }
  export interface TableProvider {
    name: string;
    type: number;
    oid: string;
    maxAccess: number;
    tableColumns: TableColumn[];
    tableIndex: Array<{ columnName: string }>;
    handler?: (mibRequest: { done(): void }) => void;
  }
  export interface Mib {
    registerProvider(p: ScalarProvider | TableProvider): void;
    setScalarValue(name: string, value: unknown): void;
    addTableRow(name: string, row: unknown[]): void;
    setTableSingleCell(name: string, column: number, rowIndex: unknown[], value: unknown): void;
  }
  export interface Agent {
    getAuthorizer(): Authorizer;
    getMib(): Mib;
    close(cb?: () => void): void;
  }
  export interface AgentOptions {
    port?: number;
    address?: string | null;
    transport?: 'udp4' | 'udp6';
    disableAuthorization?: boolean;
    engineID?: string;
  }

  export const Version1: number;
  export const Version2c: number;
  export const Version3: number;
  export const ObjectType: Record<string, number>;
  export const TrapType: Record<string, number>;
  export const PduType: Record<string, number>;
  export const SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
  export const AuthProtocols: Record<string, number>;
  export const PrivProtocols: Record<string, number>;
  export const MibProviderType: { Scalar: number; Table: number };
  export const MaxAccess: Record<string, number>;
  export class RequestTimedOutError extends Error {}
  export function createSession(target: string, community: string, options?: SessionOptions): Session;
  export function createV3Session(target: string, user: V3User, options?: SessionOptions): Session;
  export function createReceiver(options: ReceiverOptions, cb: (error: Error | null, notification: Notification | null) => void): Receiver;
  export function createAgent(options: AgentOptions, cb: (error: Error | null, data: unknown) => void, mib?: Mib): Agent;
  export function isVarbindError(vb: Varbind): boolean;
  export function varbindError(vb: Varbind): string;

  const snmp: {
    Version1: number;
    Version2c: number;
    Version3: number;
    ObjectType: Record<string, number>;
    TrapType: Record<string, number>;
    PduType: Record<string, number>;
    SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
    AuthProtocols: Record<string, number>;
    PrivProtocols: Record<string, number>;
    MibProviderType: { Scalar: number; Table: number };
    MaxAccess: Record<string, number>;
    RequestTimedOutError: typeof RequestTimedOutError;
    createSession: typeof createSession;
    createV3Session: typeof createV3Session;
    createReceiver: typeof createReceiver;
    createAgent: typeof createAgent;
    isVarbindError: typeof isVarbindError;
    varbindError: typeof varbindError;
  };
  export default snmp;
}
