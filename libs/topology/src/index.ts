export * from './topology';
export * from './load-topology';
