/** The multi-cloud manager's pure core: registry, placement, DR, indicators. */
export * from './types.js';
export { loadClouds, type LoadedClouds } from './load.js';
export { buildRegistry, cloudIndex } from './registry.js';
export { placeSystems } from './placement.js';
export { drLayout, drReport, replicationPairs, type DrReport, type ReplicationPair, type LinkLoad } from './dr.js';
export { indicator7, indicator8, type IndicatorValue } from './indicators.js';
export { systemsFor, toPlacementSystem, type SystemsSource } from './systems.js';
export { pathFinder, type BackbonePath } from './paths.js';
