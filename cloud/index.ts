/** The multi-cloud manager's pure core: registry, placement, DR, indicators. */
export * from './types.js';
export { loadClouds } from './load.js';
export { buildRegistry } from './registry.js';
export { placeSystems } from './placement.js';
export { drReport, type DrReport } from './dr.js';
export { indicator7, indicator8 } from './indicators.js';
export { systemsFor } from './systems.js';
