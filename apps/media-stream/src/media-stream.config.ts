import { BaseServiceConfig } from '@callfleet/platform';

export class MediaStreamConfig extends BaseServiceConfig {}
