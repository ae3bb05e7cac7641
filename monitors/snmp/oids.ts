/** Numeric OIDs the poller reads (IF-MIB, SNMPv2-MIB); numeric because Debian ships no MIB files. */
export const OID = {
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  ifAdminStatus: '1.3.6.1.2.1.2.2.1.7',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifInErrors: '1.3.6.1.2.1.2.2.1.14',
  ifOutErrors: '1.3.6.1.2.1.2.2.1.20',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  ifHCInOctets: '1.3.6.1.2.1.31.1.1.1.6',
  ifHCOutOctets: '1.3.6.1.2.1.31.1.1.1.10',
  /** Notification OIDs (SNMPv2-MIB snmpTrapOID.0 and the generic traps). */
  snmpTrapOID: '1.3.6.1.6.3.1.1.4.1.0',
  linkDown: '1.3.6.1.6.3.1.1.5.3',
  linkUp: '1.3.6.1.6.3.1.1.5.4',
  authenticationFailure: '1.3.6.1.6.3.1.1.5.5',
  ifIndex: '1.3.6.1.2.1.2.2.1.1',
} as const;

/** The table columns one poll walks, in request order. */
export const POLLED_COLUMNS = [OID.ifName, OID.ifAdminStatus, OID.ifOperStatus, OID.ifHCInOctets, OID.ifHCOutOctets, OID.ifInErrors, OID.ifOutErrors] as const;
