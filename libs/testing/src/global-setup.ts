import { startNamespaceRecording } from './namespace-cleanup';

export default function globalSetup(): void {
  startNamespaceRecording();
}
