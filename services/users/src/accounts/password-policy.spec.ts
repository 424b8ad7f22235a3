import { PasswordPolicy } from './password-policy';

describe('PasswordPolicy', () => {
  const policy = new PasswordPolicy();
  const email = 'olena@example.org';

  it('accepts a long uncommon password', () => {
    expect(policy.accepts('correct horse battery staple', email)).toBe(true);
  });

  it.each([
    ['too short', 'short1234'],
    ['common, in any case', 'PassWord123'],
    ['common, Cyrillic', 'Пароль12345'],
    ['one character repeated', 'zzzzzzzzzzzz'],
    ['the email', 'olena@example.org'],
  ])('refuses %s', (_case, password) => {
    expect(policy.accepts(password, email)).toBe(false);
  });
});
