export * from './detector.types';
export * from './live-human-detector';
