import { providerErrorMessage } from './provider-http.client';

describe('providerErrorMessage', () => {
  it.each([
    [
      'Twilio',
      '{"code":21211,"message":"Invalid \'To\' Phone Number","more_info":"https://www.twilio.com/docs/errors/21211","status":400}',
      "21211: Invalid 'To' Phone Number",
    ],
    [
      'RingCentral',
      '{"errorCode":"CMN-301","message":"Request rate exceeded","errors":[]}',
      'CMN-301: Request rate exceeded',
    ],
    [
      'RingCentral errors[]',
      '{"errors":[{"errorCode":"TAS-102","message":"Session not found"}]}',
      'TAS-102: Session not found',
    ],
    ['Exotel', '{"RestException":{"Status":400,"Message":"From number is invalid"}}', 'From number is invalid'],
    ['an HTML page', '<html>\n  <body>Bad Gateway</body>\n</html>', '<html> <body>Bad Gateway</body> </html>'],
  ])('reads %s', (_, body, message) => {
    expect(providerErrorMessage(body)).toBe(message);
  });

  it('keeps it short', () => {
    expect(providerErrorMessage('x'.repeat(5000))?.length).toBe(300);
    expect(providerErrorMessage('')).toBeUndefined();
  });
});
