export * from './hold-music';
export * from './random';
export * from './signal';
export * from './telephone-channel';
export * from './tones';
