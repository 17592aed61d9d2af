import { databaseUrl, DEFAULT_POSTGRES_URL } from './postgres';

describe('databaseUrl', () => {
  it('keeps the server and credentials and names the database', () => {
    expect(databaseUrl(DEFAULT_POSTGRES_URL, 'parley_e2e_ab12')).toBe('postgres://postgres@127.0.0.1:5432/parley_e2e_ab12');
    expect(databaseUrl('postgres://u:p%40ss@db.test:6543/postgres?sslmode=disable', 'x')).toBe('postgres://u:p%40ss@db.test:6543/x?sslmode=disable');
  });
});
