/** Twilio refuses inline `Twiml` longer than this. */
export const MAX_INLINE_TWIML = 4000;
export const TWILIO_API_VERSION = '2010-04-01';
