import { type DestinationKind, type DestinationPatchDto, ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';

/** The columns that say where a destination is: a phone's number and digits, or a SIP URI. */
export interface DestinationFields {
  name: string;
  kind: DestinationKind;
  number: string | null;
  sendDigits: string | null;
  uri: string | null;
}

function refuse(field: string, problem: string): never {
  throw new AppException(ErrorCode.VALIDATION_ERROR, 'Validation failed', { fields: [{ field, problems: [problem] }] });
}

/**
 * A destination after a patch. The patch's fields were each checked by its DTO; what only the whole
 * can tell is checked here: a phone needs a number and takes no URI, a SIP URI takes no number or
 * digits. A change of kind drops the old kind's fields (the table's CHECK wants them gone).
 */
export function applyDestinationPatch(current: DestinationFields, patch: DestinationPatchDto): DestinationFields {
  const kind = patch.kind ?? current.kind;
  const name = patch.name ?? current.name;
  const sameKind = kind === current.kind;
  if (kind === 'phone') {
    if (patch.uri !== undefined) refuse('uri', 'uri is only for sip destinations');
    const number = patch.number ?? (sameKind ? current.number : null);
    if (!number) refuse('number', 'number is required for phone destinations');
    const sendDigits = patch.sendDigits !== undefined ? patch.sendDigits : sameKind ? current.sendDigits : null;
    return { name, kind, number, sendDigits, uri: null };
  }
  if (patch.number !== undefined) refuse('number', 'number is only for phone destinations');
  if (patch.sendDigits !== undefined && patch.sendDigits !== null) {
    refuse('sendDigits', 'sendDigits is only for phone destinations');
  }
  const uri = patch.uri ?? (sameKind ? current.uri : null);
  if (!uri) refuse('uri', 'uri is required for sip destinations');
  return { name, kind, number: null, sendDigits: null, uri };
}
