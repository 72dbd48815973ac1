export * from './audio-stream-probe';
export * from './g711';
export * from './mp3-frames';
export * from './pcm16';
export * from './resampler';
export * from './synthesis';
export * from './wav-codec';
export * from './wav-format';
