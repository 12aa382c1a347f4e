/** The pure core's public surface: exchange in, diagnosis and fixes out. */
export { CORS_NET_ERROR, diagnose, judge } from './diagnose.ts';
export { type ClientFix, type FixSet, type ServerFix, STACK_IDS, STACKS, type StackId, suggestFixes } from './fix/index.ts';
export * from './headers.ts';
export * from './model.ts';
