export * from './audio-classifier';
export * from './detector.types';
export * from './frame-features';
export * from './in-memory-line-memory';
export * from './live-human-detector';
export * from './live-human-rule';
export * from './segment-fingerprint';
export * from './voice-profile';
