import { expect, test } from 'vitest';
import { clashingInterfaces } from './mgmt-clash.js';
import { mgmtAddresses } from './names.js';

test("another lab on the same management block is found; this lab's own interfaces are not", () => {
  const host = mgmtAddresses('lab', 0).host;
  const json = JSON.stringify([
    { ifname: 'stxlabm0', addr_info: [{ family: 'inet', local: host }] },
    { ifname: 'stxd1m0', addr_info: [{ family: 'inet', local: host }] },
    { ifname: 'eth0', addr_info: [{ family: 'inet', local: '10.0.0.5' }] },
  ]);
  expect(clashingInterfaces(json, 'lab')).toEqual(['stxd1m0']);
});
