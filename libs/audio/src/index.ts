export * from './audio-stream-probe';
export * from './mp3-frames';
export * from './wav-format';
